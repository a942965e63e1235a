/**
 * In-memory runtime and host network for unit tests of planning, validation and rollback.
 * It proves nothing about Docker; the @docker tests do that.
 */
import type { Readable } from 'node:stream';
import { LabError } from '../util/errors.js';
import type { HostNet, IpLink } from './host-net.js';
import { IpBatchError } from './host-net.js';
import type { ContainerInfo, ContainerSpec, ExecStreams, NetworkInfo, NetworkSpec, Runtime } from './runtime.js';

interface FakeContainer { info: ContainerInfo; spec: ContainerSpec }

export class FakeRuntime implements Runtime {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>();
  /** Set to make the engine look unreachable. */
  down = false;
  /** Container names whose create / start fails. */
  failCreate = new Set<string>();
  failStart = new Set<string>();
  private nextId = 1;
  private nextPid = 1000;

  async ping(): Promise<void> {
    if (this.down) throw new LabError('DOCKER_UNREACHABLE', 'the Docker engine does not answer (fake)', 'start it');
  }

  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }

  async importImage(tar: Readable, ref: string): Promise<void> {
    for await (const _chunk of tar) { /* drain */ }
    this.images.add(ref);
  }

  async imagesWithLabel(): Promise<{ id: string; tags: string[] }[]> {
    return [...this.images].map((t) => ({ id: t, tags: [t] }));
  }

  async removeImage(ref: string): Promise<void> {
    this.images.delete(ref);
  }

  async create(spec: ContainerSpec): Promise<string> {
    await this.ping();
    if ([...this.containers.values()].some((c) => c.info.name === spec.name)) throw new Error(`Conflict: name ${spec.name} in use`);
    if (this.failCreate.has(spec.name)) throw new Error(`create ${spec.name}: injected failure`);
    const id = `fake${this.nextId++}`;
    this.containers.set(id, { spec, info: { id, name: spec.name, image: spec.image, state: 'created', pid: 0, labels: { ...spec.labels } } });
    return id;
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    if (this.failStart.has(c.info.name)) throw new Error(`start ${c.info.name}: injected failure`);
    c.info.state = 'running';
    c.info.pid = this.nextPid++;
  }

  async stop(id: string): Promise<void> {
    const c = this.get(id);
    c.info.state = 'exited';
    c.info.pid = 0;
  }

  async inspect(id: string): Promise<ContainerInfo> {
    return { ...this.get(id).info };
  }

  async list(labels: Record<string, string | true>): Promise<ContainerInfo[]> {
    await this.ping();
    return [...this.containers.values()]
      .filter((c) => Object.entries(labels).every(([k, v]) => (v === true ? k in c.info.labels : c.info.labels[k] === v)))
      .map((c) => ({ ...c.info, pid: 0 }));
  }

  async remove(id: string): Promise<void> {
    this.containers.delete(id);
  }

  /** Exit codes for exec commands (joined with spaces); anything else exits 0. */
  readonly execExit = new Map<string, number>();

  async exec(id: string, cmd: string[], io: ExecStreams = {}): Promise<number> {
    this.get(id);
    io.stdout?.write(`${cmd.join(' ')}\n`);
    return this.execExit.get(cmd.join(' ')) ?? 0;
  }

  /** Images a pull would give (anything else: no registry answers). */
  readonly pullable = new Set<string>();
  readonly networks = new Map<string, NetworkInfo>();

  async pullImage(ref: string, onProgress: (line: string) => void): Promise<void> {
    if (!this.pullable.has(ref)) throw new LabError('IMAGE_PULL', `image ${ref} does not exist on this machine and no registry gave it (fake)`, 'use --image-fallback');
    onProgress(`${ref}: Pull complete`);
    this.images.add(ref);
  }

  async network(name: string): Promise<NetworkInfo | undefined> {
    return this.networks.get(name);
  }

  async createNetwork(s: NetworkSpec): Promise<NetworkInfo> {
    const n = { id: `net${this.nextId++}`, name: s.name, bridge: s.bridge ?? `br-${s.name}`, labels: { ...s.labels }, containers: 0 };
    this.networks.set(s.name, n);
    return n;
  }

  async removeNetwork(name: string): Promise<void> {
    this.networks.delete(name);
  }

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no such container ${id}`);
    return c;
  }
}

export class FakeHostNet implements HostNet {
  readonly hostBatches: string[][] = [];
  readonly nodeBatches = new Map<number, string[]>();
  /** 1-based line of the host batch that fails, like `ip -batch` reports. */
  failHostLine: number | undefined;

  async batch(lines: string[]): Promise<void> {
    this.hostBatches.push(lines);
    if (this.failHostLine !== undefined && this.failHostLine <= lines.length) {
      throw new IpBatchError(this.failHostLine, `RTNETLINK answers: File exists\nCommand failed -:${this.failHostLine}`);
    }
  }

  /** Every line run in each namespace (nodeBatches keeps the last batch only). */
  readonly nodeLines = new Map<number, string[]>();

  async batchIn(pid: number, lines: string[]): Promise<void> {
    this.nodeBatches.set(pid, lines);
    this.nodeLines.set(pid, [...(this.nodeLines.get(pid) ?? []), ...lines]);
  }

  async operstate(pid: number, ifname: string): Promise<string | undefined> {
    return (await this.links(pid)).some((l) => l.ifname === ifname) ? 'up' : undefined;
  }

  async links(pid: number): Promise<IpLink[]> {
    const lines = this.nodeLines.get(pid) ?? [];
    return lines
      .map((l) => /^link set (\S+) up$/.exec(l)?.[1])
      .filter((n, i, all): n is string => !!n && all.indexOf(n) === i)
      .map((ifname) => {
        const ipv4 = lines.map((l) => new RegExp(`^addr add (\\S+) dev ${ifname}$`).exec(l)?.[1]).filter((a): a is string => !!a);
        return { ifname, operstate: 'UP', mtu: 9000, flags: ['UP'], ...(ipv4.length ? { ipv4 } : {}) };
      });
  }
}
