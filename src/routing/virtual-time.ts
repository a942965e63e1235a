/**
 * A scheduler over virtual time: nothing happens until the test advances it, and then every
 * callback runs in time order, so a 10-second flap storm of many routers runs in milliseconds
 * and the same way every time.
 */
import type { Scheduler, Timer } from './clock.js';

interface Task {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  private t: number;
  private order = 0;
  private queue: Task[] = [];

  constructor(start = 1_800_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(delayMs: number, fn: () => void): Timer {
    const task: Task = { at: this.t + Math.max(0, delayMs), order: this.order++, fn, cancelled: false };
    // Insert keeping (at, order) order; queues stay small (timers per router, frames in flight).
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.at > task.at) i--;
    this.queue.splice(i, 0, task);
    return { cancel: () => { task.cancelled = true; } };
  }

  /** Runs everything due up to now + ms, then sets the clock to now + ms. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const task = this.queue[0];
      if (!task || task.at > end) break;
      this.queue.shift();
      if (task.cancelled) continue;
      this.t = task.at;
      task.fn();
    }
    this.t = end;
  }

  /** Advances in steps until `done()` holds; returns the virtual ms it took, or -1 on timeout. */
  runUntil(done: () => boolean, limitMs: number, stepMs = 1): number {
    const start = this.t;
    while (this.t - start < limitMs) {
      if (done()) return this.t - start;
      this.advance(stepMs);
    }
    return done() ? this.t - start : -1;
  }
}
