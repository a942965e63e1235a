/**
 * Retry intervals that grow while a peer stays silent (NDNts ReadvertiseDestination's 5-60 s
 * model, with our own numbers): initial, times factor each failure, capped, with jitter so SGs
 * that lost the same SPA do not retry in step. Pure: the random source is injected.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: each interval is drawn from [d × (1 − jitter), d]. */
  jitter: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.2, random: Math.random };

export class Backoff {
  private readonly o: BackoffOptions;
  private failures = 0;

  constructor(o: Partial<BackoffOptions> = {}) {
    this.o = { ...DEFAULT_BACKOFF, ...o };
  }

  /** The wait before the next try, counting this failure. */
  next(): number {
    const d = Math.min(this.o.maxMs, this.o.initialMs * this.o.factor ** this.failures);
    this.failures++;
    return Math.round(d * (1 - this.o.jitter * this.o.random()));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
