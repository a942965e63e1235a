/**
 * Another process's network namespace, entered for a moment: a shared router process (one
 * per core, hosting many routers, src/node/pool) opens each router's faces, its link monitor
 * and its interface queries inside that router's container namespace, then comes back. A
 * socket stays in the namespace it was created in, so the faces keep working from here.
 *
 * Only the main thread moves (setns affects the calling thread), and only for synchronous
 * work: nothing asynchronous may start inside run().
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { LabError } from '../util/errors.js';
import { native } from './native-binding.js';

/** Runs synchronous work in some network namespace (this process's own: just calls it). */
export type Within = <T>(work: () => T) => T;

export const here: Within = (work) => work();

let home: number | undefined;

export class Netns {
  private fd: number | undefined;
  /** The namespace's inode: two handles on the same namespace have the same one. */
  readonly inode: number;

  /** `path`: /proc/<pid>/ns/net of a process in the namespace (a container's first process). */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new LabError('NETNS_OPEN', `cannot open the network namespace ${path}: ${(e as Error).message}`,
        'is the container running? a shared router process runs as root on the host');
    }
    this.inode = fstatSync(this.fd).ino;
    // Our own namespace, held before we ever leave it: the way back.
    home ??= openSync('/proc/thread-self/ns/net', 'r');
  }

  /** Runs `work` inside the namespace and always comes back, also when it throws. */
  run<T>(work: () => T): T {
    if (this.fd === undefined) throw new LabError('NETNS_CLOSED', `the network namespace ${this.path} was closed`);
    const addon = native();
    addon.setNetns(this.fd);
    try {
      return work();
    } finally {
      addon.setNetns(home!);
    }
  }

  readonly within: Within = (work) => this.run(work);

  /** Lets the namespace go (the kernel frees it once no process or socket holds it). */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
