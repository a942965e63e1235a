/** Wall-clock time and Node timers, for the router in a container. */
import type { Scheduler, Timer } from '../routing/clock.js';

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  after(delayMs: number, fn: () => void): Timer {
    const t = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(t) };
  },
  // Same event-loop turn, after the I/O callback and the face flushes it queued (FIFO).
  soon: (fn: () => void) => void setImmediate(fn),
};
