/** Runtime over dockerd's API socket (dockerode). */
import Docker from 'dockerode';
import { Writable, type Readable } from 'node:stream';
import { LabError } from '../util/errors.js';
import type { ContainerInfo, ContainerSpec, ContainerState, ExecStreams, NetworkInfo, NetworkSpec, Runtime } from './runtime.js';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

interface DockerErr { statusCode?: number; code?: string; message: string; json?: { message?: string } }

export class DockerRuntime implements Runtime {
  private readonly docker: Docker;

  constructor(readonly socketPath = process.env.DAMC_DOCKER_SOCKET ?? DEFAULT_DOCKER_SOCKET) {
    this.docker = new Docker({ socketPath });
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw new LabError('DOCKER_UNREACHABLE',
        `the Docker engine does not answer on ${this.socketPath}: ${(e as Error).message}`,
        'start it with `scripts/setup` (installs and starts dockerd), or run `dockerd &` as root', { cause: e });
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (e) {
      if ((e as DockerErr).statusCode === 404) return false;
      throw this.wrap(e, `inspect image ${ref}`);
    }
  }

  async importImage(tar: Readable, ref: string, changes: string[]): Promise<void> {
    const [repo, tag] = splitRef(ref);
    const out = await this.docker.importImage(tar, { repo, tag, changes });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(out, (err: Error | null, events: { error?: string }[]) => {
        const bad = events?.find((ev) => ev.error);
        if (err || bad) reject(new Error(err?.message ?? bad?.error));
        else resolve();
      });
    });
  }

  async imagesWithLabel(label: string): Promise<{ id: string; tags: string[] }[]> {
    const imgs = await this.docker.listImages({ filters: { label: [label] } }).catch((e: unknown) => { throw this.wrap(e, 'list images'); });
    return imgs.map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>') }));
  }

  async removeImage(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).remove();
    } catch (e) {
      const code = (e as DockerErr).statusCode;
      if (code === 404 || code === 409) return;
      throw this.wrap(e, `remove image ${ref}`);
    }
  }

  async create(s: ContainerSpec): Promise<string> {
    const x = s.extra ?? {};
    try {
      const c = await this.docker.createContainer({
        name: s.name,
        ...(x.noHostname ? {} : { Hostname: s.hostname }),
        Image: s.image,
        ...(s.entrypoint ? { Entrypoint: s.entrypoint } : {}),
        ...(x.omitCmd ? {} : { Cmd: s.cmd }),
        Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
        Labels: s.labels,
        NetworkDisabled: false,
        ...(x.tty ? { Tty: true, OpenStdin: true } : {}),
        ...(x.user !== undefined ? { User: x.user } : {}),
        ...(x.healthcheck ? { Healthcheck: x.healthcheck } : {}),
        ...(x.ports ? { ExposedPorts: Object.fromEntries(Object.keys(x.ports).map((p) => [p, {}])) } : {}),
        HostConfig: {
          NetworkMode: x.networkMode ?? 'none',
          Binds: s.binds,
          CapAdd: s.capAdd,
          Init: true,
          Sysctls: s.sysctls,
          RestartPolicy: { Name: x.restartPolicy ?? 'no' },
          ...(x.privileged ? { Privileged: true } : {}),
          ...(x.ports ? { PortBindings: x.ports } : {}),
          ...(x.nanoCpus ? { NanoCpus: x.nanoCpus } : {}),
          ...(x.cpusetCpus ? { CpusetCpus: x.cpusetCpus } : {}),
          ...(x.memoryBytes ? { Memory: x.memoryBytes } : {}),
          ...(x.shmSizeBytes ? { ShmSize: x.shmSizeBytes } : {}),
          ...(x.dns ? { Dns: x.dns.servers, DnsSearch: x.dns.search, DnsOptions: x.dns.options } : {}),
          ...(x.devices?.length ? { Devices: x.devices } : {}),
          ...(x.tmpfs && Object.keys(x.tmpfs).length ? { Tmpfs: x.tmpfs } : {}),
          ...(x.securityOpt?.length ? { SecurityOpt: x.securityOpt } : {}),
          ...(x.pidMode ? { PidMode: x.pidMode } : {}),
          ...(x.cgroupParent ? { CgroupParent: x.cgroupParent } : {}),
          ...(x.cgroupnsMode ? { CgroupnsMode: x.cgroupnsMode } : {}),
          ...(x.autoRemove ? { AutoRemove: true } : {}),
        },
        ...(x.network ? {
          NetworkingConfig: {
            EndpointsConfig: {
              [x.network.name]: {
                ...(x.network.ipv4 || x.network.ipv6 ? { IPAMConfig: { ...(x.network.ipv4 ? { IPv4Address: x.network.ipv4 } : {}), ...(x.network.ipv6 ? { IPv6Address: x.network.ipv6 } : {}) } } : {}),
                ...(x.network.aliases.length ? { Aliases: x.network.aliases } : {}),
              },
            },
          },
        } : {}),
      });
      return c.id;
    } catch (e) {
      const err = e as DockerErr;
      if (err.statusCode === 404 && /image/i.test(err.message)) {
        throw new LabError('IMAGE_MISSING', `image ${s.image} for ${s.name} does not exist on this machine`,
          'no registry is reachable here: build or load the image first, or drop `image:` to use the lab image', { cause: e });
      }
      throw this.wrap(e, `create container ${s.name}`);
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      throw this.wrap(e, `start container ${id.slice(0, 12)}`);
    }
  }

  async stop(id: string, timeoutS: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutS });
    } catch (e) {
      if ((e as DockerErr).statusCode === 304) return; // already stopped
      throw this.wrap(e, `stop container ${id.slice(0, 12)}`);
    }
  }

  async inspect(id: string): Promise<ContainerInfo> {
    try {
      const i = await this.docker.getContainer(id).inspect();
      return {
        id: i.Id,
        name: i.Name.replace(/^\//, ''),
        image: i.Config.Image,
        state: (i.State.Status as ContainerState) ?? 'unknown',
        pid: i.State.Pid ?? 0,
        labels: i.Config.Labels ?? {},
        ...(i.State.Health?.Status ? { health: i.State.Health.Status } : {}),
        ...(i.State.Status === 'exited' || i.State.Status === 'created' ? { exitCode: i.State.ExitCode } : {}),
        ...(i.State.Error ? { error: i.State.Error } : {}),
        ...addressesOf(i.NetworkSettings?.Networks),
      };
    } catch (e) {
      throw this.wrap(e, `inspect container ${id.slice(0, 12)}`);
    }
  }

  async list(labels: Record<string, string | true>): Promise<ContainerInfo[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
    try {
      const cs = await this.docker.listContainers({ all: true, filters: { label } });
      return cs.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        image: c.Image,
        state: (c.State as ContainerState) ?? 'unknown',
        pid: 0,
        labels: c.Labels ?? {},
      }));
    } catch (e) {
      throw this.wrap(e, 'list containers');
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      const err = e as DockerErr;
      // Already gone, or another remove of it is in flight: both mean "will not exist".
      if (err.statusCode === 404 || (err.statusCode === 409 && /in progress/.test(err.message))) return;
      throw this.wrap(e, `remove container ${id.slice(0, 12)}`);
    }
  }

  async exec(id: string, cmd: string[], io: ExecStreams = {}): Promise<number> {
    try {
      const tty = io.tty ?? false;
      const ex = await this.docker.getContainer(id).exec({
        Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: !!io.stdin, Tty: tty,
      });
      const stream = await ex.start({ hijack: true, stdin: !!io.stdin, Tty: tty });
      if (io.stdin) io.stdin.pipe(stream);
      await new Promise<void>((resolve, reject) => {
        if (tty) stream.pipe(io.stdout ?? devNull());
        else this.docker.modem.demuxStream(stream, io.stdout ?? devNull(), io.stderr ?? devNull());
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      if (io.stdin) io.stdin.unpipe(stream);
      const r = await ex.inspect();
      return r.ExitCode ?? -1;
    } catch (e) {
      if (e instanceof LabError) throw e;
      throw this.wrap(e, `exec ${cmd.join(' ')}`);
    }
  }

  async pullImage(ref: string, onProgress: (line: string) => void): Promise<void> {
    const [repo, tag] = splitRef(ref);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(`${repo}:${tag}`);
    } catch (e) {
      const err = e as DockerErr;
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES') throw this.wrap(e, `pull ${ref}`);
      throw new LabError('IMAGE_PULL', `image ${ref} does not exist on this machine and no registry gave it: ${(err.json?.message ?? err.message).replace(/^\(HTTP code \d+\) server error - /, '').trim()}`,
        'load it (docker load / docker import), or deploy with --image-fallback to run such nodes on the lab image', { cause: e });
    }
    await new Promise<void>((resolve, reject) => {
      let last = '';
      this.docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
        const bad = err?.message ?? events?.find((ev) => ev.error)?.error;
        if (bad) {
          reject(new LabError('IMAGE_PULL', `pull of image ${ref} failed: ${bad.trim()}`,
            'load it (docker load / docker import), or deploy with --image-fallback to run such nodes on the lab image'));
        } else resolve();
      }, (ev: { status?: string; id?: string; progress?: string }) => {
        const line = [ev.id, ev.status, ev.progress].filter(Boolean).join(' ');
        // Layer progress bars repeat many times a second: one line per layer and status.
        const key = `${ev.id}:${ev.status}`;
        if (line && key !== last) onProgress(line);
        last = key;
      });
    });
  }

  async network(name: string): Promise<NetworkInfo | undefined> {
    try {
      const n = await this.docker.getNetwork(name).inspect() as {
        Id: string; Name: string; Labels?: Record<string, string>; Options?: Record<string, string>; Containers?: Record<string, unknown>;
      };
      return {
        id: n.Id, name: n.Name, labels: n.Labels ?? {}, containers: Object.keys(n.Containers ?? {}).length,
        bridge: n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`,
      };
    } catch (e) {
      if ((e as DockerErr).statusCode === 404) return undefined;
      throw this.wrap(e, `inspect network ${name}`);
    }
  }

  async createNetwork(s: NetworkSpec): Promise<NetworkInfo> {
    const pool = (p: { subnet: string; range?: string; gateway?: string }) => ({
      Subnet: p.subnet, ...(p.range ? { IPRange: p.range } : {}), ...(p.gateway ? { Gateway: p.gateway } : {}),
    });
    try {
      await this.docker.createNetwork({
        Name: s.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        EnableIPv6: !!s.ipv6,
        IPAM: { Driver: 'default', Config: [pool(s.ipv4), ...(s.ipv6 ? [pool(s.ipv6)] : [])] },
        Options: {
          ...(s.bridge ? { 'com.docker.network.bridge.name': s.bridge } : {}),
          ...(s.mtu ? { 'com.docker.network.driver.mtu': String(s.mtu) } : {}),
          ...s.driverOpts,
        },
        Labels: s.labels,
      });
    } catch (e) {
      throw this.wrap(e, `create network ${s.name}`);
    }
    return (await this.network(s.name))!;
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove();
    } catch (e) {
      if ((e as DockerErr).statusCode === 404) return;
      throw this.wrap(e, `remove network ${name}`);
    }
  }

  private wrap(e: unknown, what: string): LabError {
    const err = e as DockerErr;
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES') {
      return new LabError('DOCKER_UNREACHABLE', `the Docker engine does not answer on ${this.socketPath} (${err.code})`,
        'start it with `scripts/setup`, or run `dockerd &` as root', { cause: e });
    }
    const msg = err.json?.message ?? err.message;
    return new LabError('DOCKER_FAILED', `docker: ${what}: ${msg.trim()}`, undefined, { cause: e });
  }
}

function splitRef(ref: string): [string, string] {
  const i = ref.lastIndexOf(':');
  return i > 0 && !ref.slice(i).includes('/') ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, 'latest'];
}

function addressesOf(nets: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | undefined): { ipv4?: string; ipv6?: string } {
  const n = Object.values(nets ?? {}).find((x) => x.IPAddress || x.GlobalIPv6Address);
  return { ...(n?.IPAddress ? { ipv4: n.IPAddress } : {}), ...(n?.GlobalIPv6Address ? { ipv6: n.GlobalIPv6Address } : {}) };
}

function devNull(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}
