/** Time as the routing core sees it: milliseconds since the Unix epoch, injected. */
export interface Clock {
  now(): number;
}

export interface Timer {
  cancel(): void;
}

/** Something that runs callbacks later: real timers in the node program, virtual time in tests. */
export interface Scheduler extends Clock {
  after(delayMs: number, fn: () => void): Timer;
  /** Runs fn after the current callback and whatever it already queued (Node: setImmediate); default after(0). */
  soon?(fn: () => void): void;
}
