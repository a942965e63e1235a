/**
 * The narrow container runtime the lab needs (testcontainers habit: one small client per
 * resource). DockerRuntime talks to dockerd; FakeRuntime lets unit tests drive planning,
 * validation and rollback without Docker.
 */
import type { Readable, Writable } from 'node:stream';

export interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  /** undefined: the image's own entrypoint. */
  entrypoint?: string[];
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Docker bind strings "host:container[:ro]". */
  binds: string[];
  capAdd: string[];
  sysctls: Record<string, string>;
  /** Container keys of containerlab nodes (absent: DAMC's defaults, network none). */
  extra?: ContainerExtra;
}

/** What containerlab nodes set beyond DAMC's defaults (see src/lab/clab-spec.ts). */
export interface ContainerExtra {
  /** undefined Cmd: the image's own. */
  omitCmd?: boolean;
  /** "none" (default), "host", "container:<name>", or a Docker network name. */
  networkMode?: string;
  /** Joining a Docker network: static addresses and aliases. */
  network?: { name: string; ipv4?: string; ipv6?: string; aliases: string[] };
  tty?: boolean;
  restartPolicy?: string;
  privileged?: boolean;
  /** "80/tcp" → host port bindings. */
  ports?: Record<string, { HostIp?: string; HostPort: string }[]>;
  nanoCpus?: number;
  cpusetCpus?: string;
  memoryBytes?: number;
  shmSizeBytes?: number;
  healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  dns?: { servers: string[]; search: string[]; options: string[] };
  devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
  tmpfs?: Record<string, string>;
  user?: string;
  securityOpt?: string[];
  pidMode?: string;
  cgroupParent?: string;
  cgroupnsMode?: 'host' | 'private';
  autoRemove?: boolean;
  /** Leave Hostname unset (Docker refuses it with network-mode container:). */
  noHostname?: boolean;
}

export interface NetworkSpec {
  name: string;
  /** Linux bridge name (com.docker.network.bridge.name), when given. */
  bridge?: string;
  ipv4: { subnet: string; range?: string; gateway?: string };
  ipv6?: { subnet: string; range?: string; gateway?: string };
  mtu?: number;
  /** Further driver options (containerlab mgmt.driver-opts). */
  driverOpts?: Record<string, string>;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  id: string;
  name: string;
  /** The Linux bridge that carries it. */
  bridge: string;
  labels: Record<string, string>;
  /** Containers attached now. */
  containers: number;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  /** Host PID of the container's init; 0 when not running. */
  pid: number;
  labels: Record<string, string>;
  /** inspect only: Docker health status (starting, healthy, unhealthy) when the container has a healthcheck. */
  health?: string;
  /** inspect only: exit code of a container that stopped, and Docker's error for one that could not start. */
  exitCode?: number;
  error?: string;
  /** inspect only: addresses on its Docker network(s). */
  ipv4?: string;
  ipv6?: string;
}

export interface ExecStreams {
  stdout?: Writable;
  stderr?: Writable;
  /** Fed to the command's stdin (interactive use). */
  stdin?: Readable;
  /** Allocate a terminal (then stderr arrives on stdout, as in a terminal). */
  tty?: boolean;
}

export interface Runtime {
  /** Throws LabError DOCKER_UNREACHABLE (with how to start it) when the engine does not answer. */
  ping(): Promise<void>;
  imageExists(ref: string): Promise<boolean>;
  /** Imports a root filesystem tar as image `ref` (repo:tag) with Dockerfile-style changes. */
  importImage(tar: Readable, ref: string, changes: string[]): Promise<void>;
  /** Local images carrying a label (id and tags; a dangling image has no tags). */
  imagesWithLabel(label: string): Promise<{ id: string; tags: string[] }[]>;
  /** Removes an image (id or tag); one still used by a container is kept (not an error). */
  removeImage(ref: string): Promise<void>;
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** Stops a running container (SIGTERM, then SIGKILL after timeoutS); a stopped one is not an error. */
  stop(id: string, timeoutS: number): Promise<void>;
  inspect(id: string): Promise<ContainerInfo>;
  /** Containers (running or not) carrying every given label; a value of `true` matches any value. */
  list(labels: Record<string, string | true>): Promise<ContainerInfo[]>;
  /** Force-removes (kills first); a container already gone is not an error. */
  remove(id: string): Promise<void>;
  /** Runs cmd in the container, streams its output, resolves to its exit code. */
  exec(id: string, cmd: string[], io?: ExecStreams): Promise<number>;
  /** Pulls an image from its registry; progress lines go to onProgress. Throws LabError IMAGE_PULL when no registry gives it. */
  pullImage(ref: string, onProgress: (line: string) => void): Promise<void>;
  /** A Docker network by name; undefined when there is none. */
  network(name: string): Promise<NetworkInfo | undefined>;
  createNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  /** Removes a network; one that is gone is not an error. */
  removeNetwork(name: string): Promise<void>;
}
