/**
 * Observation half of local outlier detection (Envoy's split): one monitor per instance counts
 * its results and tells the detector when a run of failures calls for ejection; the detector
 * (outlier-detector.ts) decides, caps and times ejections. A monitor never ejects by itself.
 */
import type { Name } from '../wire/name.js';

export interface MonitorSink {
  /** A run of failures reached the threshold (or one failure on probation). */
  onFailureRun(m: HostMonitor, now: number): void;
  readonly threshold: number;
}

export class HostMonitor {
  consecutiveFailures = 0;
  /** Set while ejected: when it was taken out and when it may come back. */
  ejectedAt: number | undefined;
  ejectUntil = 0;
  /** Ejections in a row without a clean spell; scales the next ejection time. */
  multiplier = 0;
  /** Let back in but not yet proven: the first failure takes it out again at once. */
  probation = false;
  /** Last active probe result. */
  lastProbe: { at: number; ok: boolean } | undefined;
  /** When the multiplier last decayed (or the host was last let back in). */
  cleanSince = 0;

  constructor(readonly name: Name, private readonly sink: MonitorSink) {}

  get ejected(): boolean {
    return this.ejectedAt !== undefined;
  }

  /** A request's result: ok, or a failure (5xx, reset, timeout). */
  putResult(ok: boolean, now: number): void {
    if (ok) {
      this.consecutiveFailures = 0;
      this.probation = false;
      return;
    }
    this.consecutiveFailures++;
    this.cleanSince = now;
    if (this.ejected) return;
    if (this.probation || this.consecutiveFailures >= this.sink.threshold) this.sink.onFailureRun(this, now);
  }

  /** An active probe counts like a request and also gates the way back in. */
  putProbe(ok: boolean, now: number): void {
    this.lastProbe = { at: now, ok };
    this.putResult(ok, now);
  }
}
