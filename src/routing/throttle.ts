/**
 * Exponential backoff for work triggered by changes (SPF runs, originating our own LSAs): at
 * once when the last run is long past, otherwise after a hold that doubles while changes keep
 * arriving (up to a maximum) and resets after a quiet spell. A flap storm thus costs at most
 * one run per max-hold, and the last change is always acted on.
 */
export class Throttle {
  pending = false;
  /** When the pending run was first asked for. */
  requestedAt = Infinity;
  private lastRun = -Infinity;
  private hold: number;
  private dueAt = Infinity;

  /**
   * `batchTrickle`: every run within two max holds of the last doubles the hold (RFC 8405's
   * backoff), so a trickle of changes batches up as a burst does; otherwise only a run closer
   * than twice the hold to the last does, which keeps faults seconds apart fast (small labs).
   */
  constructor(private readonly initialHoldMs: number, private readonly maxHoldMs: number, private readonly batchTrickle = false) {
    this.hold = initialHoldMs;
  }

  request(now: number): void {
    if (this.pending) return;
    this.pending = true;
    this.requestedAt = now;
    if (now - this.lastRun >= 2 * this.maxHoldMs) this.hold = this.initialHoldMs; // quiet: be quick again
    this.dueAt = Math.max(now, this.lastRun + this.hold);
  }

  due(now: number): boolean {
    return this.pending && now >= this.dueAt;
  }

  force(): void {
    this.dueAt = -Infinity;
  }

  ran(now: number): void {
    const gap = now - this.lastRun;
    // With batchTrickle, LSAs arriving one by one over a minute while a large lab starts batch
    // up as well as a burst does, instead of one SPF run per LSA.
    if (gap >= 2 * this.maxHoldMs) this.hold = this.initialHoldMs;
    else if (this.batchTrickle || gap <= 2 * this.hold) this.hold = Math.min(this.maxHoldMs, this.hold * 2);
    this.lastRun = now;
    this.pending = false;
    this.requestedAt = Infinity;
    this.dueAt = Infinity;
  }

  /** Milliseconds until a pending run is due (for drivers that sleep until then). */
  waitMs(now: number): number {
    return this.pending ? Math.max(0, this.dueAt - now) : Infinity;
  }
}
