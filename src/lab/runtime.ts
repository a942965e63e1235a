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
}
