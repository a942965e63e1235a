/** What a Lab needs from the outside world; dockerContext() wires the real ones. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DockerRuntime } from './docker-runtime.js';
import { LinuxHostNet, type HostNet } from './host-net.js';
import { NodeImage } from './node-image.js';
import type { Runtime } from './runtime.js';

export interface ImageSource {
  /** Tag of the lab's node image, built first when missing or stale. */
  ensure(): Promise<string>;
}

export interface LabContext {
  runtime: Runtime;
  net: HostNet;
  image: ImageSource;
  /** Lab directories (node configs, keys) go to <labRoot>/<lab>. */
  labRoot: string;
  /** The built project, bind-mounted read-only at /opt/damc in every node. */
  projectDir: string;
  /** How many Docker calls run at once. */
  concurrency: number;
  /** Progress lines for people (the CLI prints them). */
  onEvent: (msg: string) => void;
}

/** Repository root: this file is dist/src/lab/context.js. */
export const PROJECT_DIR = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const DEFAULT_LAB_ROOT = '/var/lib/damc-lab';

export interface DockerContextOptions {
  socketPath?: string;
  onEvent?: (msg: string) => void;
  labRoot?: string;
}

export function dockerContext(o: DockerContextOptions = {}): LabContext {
  const runtime = new DockerRuntime(o.socketPath);
  const onEvent = o.onEvent ?? (() => {});
  return {
    runtime,
    net: new LinuxHostNet(),
    image: new NodeImage(runtime, { imagesDir: join(PROJECT_DIR, 'images'), onEvent }),
    labRoot: o.labRoot ?? process.env.DAMC_LAB_ROOT ?? DEFAULT_LAB_ROOT,
    projectDir: PROJECT_DIR,
    concurrency: Number(process.env.DAMC_CONCURRENCY ?? 8),
    onEvent,
  };
}
