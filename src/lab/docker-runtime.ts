/** Runtime over dockerd's API socket (dockerode). */
import Docker from 'dockerode';
import { Writable, type Readable } from 'node:stream';
import { LabError } from '../util/errors.js';
import type { ContainerInfo, ContainerSpec, ContainerState, ExecStreams, Runtime } from './runtime.js';

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
    try {
      const c = await this.docker.createContainer({
        name: s.name,
        Hostname: s.hostname,
        Image: s.image,
        ...(s.entrypoint ? { Entrypoint: s.entrypoint } : {}),
        Cmd: s.cmd,
        Env: Object.entries(s.env).map(([k, v]) => `${k}=${v}`),
        Labels: s.labels,
        NetworkDisabled: false,
        HostConfig: {
          NetworkMode: 'none',
          Binds: s.binds,
          CapAdd: s.capAdd,
          Init: true,
          Sysctls: s.sysctls,
          RestartPolicy: { Name: 'no' },
        },
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

function devNull(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}
