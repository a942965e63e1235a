/**
 * An SG's figures per instance over a sliding window: its own probes (RTT, loss, health) and the
 * real traffic it carried (latency, 5xx, timeouts), turned into the QosSample it reports to the
 * SCSC. A window in time, not in samples, so the figures react as fast at 1 call/s as at 1,000:
 * a 200 ms step moves the mean past a 100 ms limit after half a window.
 */
import type { QosSample } from '../wire/messages.js';
import type { Name } from '../wire/name.js';

/** ok: answered below 500; error: 5xx or connection refused/reset; timeout: no answer in time. */
export type Outcome = 'ok' | 'error' | 'timeout';
export type ResultKind = 'traffic' | 'probe' | 'health';

interface Result {
  readonly at: number;
  readonly outcome: Outcome;
  readonly latencyMs: number;
  readonly kind: ResultKind;
}

export class InstanceStats {
  private readonly byTarget = new Map<string, { target: Name; results: Result[]; healthy: boolean }>();

  constructor(readonly windowMs = 2000) {}

  /** One result; `latencyMs` of a timeout is the time waited. Health probes also set health. */
  record(target: Name, at: number, outcome: Outcome, latencyMs: number, kind: ResultKind = 'traffic'): void {
    let t = this.byTarget.get(target.key);
    if (!t) this.byTarget.set(target.key, (t = { target, results: [], healthy: true }));
    t.results.push({ at, outcome, latencyMs, kind });
    if (kind === 'health') t.healthy = outcome === 'ok';
  }

  /** The figures of the last window; undefined when nothing was seen in it. */
  sample(target: Name, now: number): QosSample | undefined {
    const t = this.byTarget.get(target.key);
    if (!t) return undefined;
    this.prune(t.results, now);
    const rs = t.results;
    if (rs.length === 0) return undefined;
    let lat = 0, errors = 0, probes = 0, lost = 0;
    for (const r of rs) {
      lat += r.latencyMs;
      if (r.outcome !== 'ok') errors++;
      if (r.kind !== 'traffic') {
        probes++;
        if (r.outcome === 'timeout') lost++;
      }
    }
    return {
      target: t.target,
      rttUs: Math.round((lat / rs.length) * 1000),
      lossPpm: probes ? Math.round((lost / probes) * 1e6) : 0,
      errorPpm: Math.round((errors / rs.length) * 1e6),
      healthy: t.healthy,
      samples: rs.length,
      time: now,
    };
  }

  /** Samples for every target seen in the window (what one telemetry report carries). */
  report(now: number): QosSample[] {
    const out: QosSample[] = [];
    for (const t of this.byTarget.values()) {
      const s = this.sample(t.target, now);
      if (s) out.push(s);
      else this.byTarget.delete(t.target.key);
    }
    return out;
  }

  private prune(rs: Result[], now: number): void {
    let i = 0;
    while (i < rs.length && now - rs[i]!.at > this.windowMs) i++;
    if (i > 0) rs.splice(0, i);
  }
}
