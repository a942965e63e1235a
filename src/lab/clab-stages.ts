/**
 * containerlab's node stages as promises: create → create-links → (configure ∥ healthy) → exit.
 * `wait-for` entries wait for another node's stage to be done. A failure anywhere fails every
 * wait at once, so a deploy stops instead of hanging; a wait that never ends (a cycle) times out
 * naming both nodes.
 */
import { LabError } from '../util/errors.js';
import type { StageName } from '../topology/index.js';

interface Deferred { p: Promise<void>; resolve: () => void }

function deferred(): Deferred {
  let resolve!: () => void;
  const p = new Promise<void>((r) => (resolve = r));
  return { p, resolve };
}

export class StageBoard {
  private readonly done = new Map<string, Deferred>();
  private readonly failed: Promise<never>;
  private failWith!: (e: unknown) => void;
  private failure: unknown;

  constructor(private readonly timeoutMs: number) {
    this.failed = new Promise<never>((_r, rej) => (this.failWith = rej));
    this.failed.catch(() => {});
  }

  private slot(key: string): Deferred {
    let d = this.done.get(key);
    if (!d) this.done.set(key, (d = deferred()));
    return d;
  }

  reach(node: string, stage: StageName | string): void {
    this.slot(`${node}/${stage}`).resolve();
  }

  fail(e: unknown): void {
    this.failure ??= e;
    this.failWith(e);
  }

  get hasFailed(): boolean {
    return this.failure !== undefined;
  }

  /** Resolves when `node` has done `stage`; rejects when the deploy fails or after the timeout. */
  async wait(node: string, stage: StageName | string, waiter: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, rej) => {
      timer = setTimeout(() => rej(new LabError('CLAB_STAGE_TIMEOUT',
        `node ${waiter} waited ${this.timeoutMs / 1000} s for node ${node} to finish stage ${stage}`,
        'check stages.*.wait-for for a cycle, and that the node it waits for can reach that stage (healthy needs a healthcheck that passes)')), this.timeoutMs);
    });
    try {
      await Promise.race([this.slot(`${node}/${stage}`).p, this.failed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with p, or rejects as soon as the deploy fails. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.failed]);
  }
}
