/**
 * Decision half of local outlier detection, for one pool: ejects an instance the moment its
 * monitor reports a run of failures, never the whole pool, and lets it back when its time is up
 * and its probes answer again.
 *
 * Envoy's defaults: 5 consecutive 5xx, a 10 s sweep, 30 s base ejection, at most 10% ejected
 * (at least one). Ours, and why:
 * - 3 consecutive failures (5xx, reset or timeout): 40% fewer failed calls before the drain; a
 *   false ejection costs little because it is short.
 * - After each failure below the threshold the detector asks for a probe now (`probeNow`): a
 *   broken instance reaches the threshold in three probe round trips even when real traffic to
 *   it is sparse, so the drain takes milliseconds at any call rate, not "5 calls to that host".
 * - 250 ms sweep, 2 s base ejection growing linearly with repeated ejections up to 30 s; the
 *   multiplier decays one step per clean base period. A brief fault costs 2 s of capacity, not 30.
 * - Back in only when the time is up AND the last probe since the ejection (if any) answered;
 *   then on probation: one failure ejects it again at once with a longer time.
 * - At most half the pool ejected, always at least one host allowed when the pool has two or
 *   more, never the last one in: a pool that fails everywhere keeps serving (retries decide).
 */
import type { Name } from '../wire/name.js';
import { HostMonitor, type MonitorSink } from './host-monitor.js';

export interface OutlierOptions {
  readonly consecutiveFailures: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectedFraction: number;
  /** How often the caller runs tick() (un-ejection granularity). */
  readonly intervalMs: number;
}

export const DEFAULT_OUTLIER: OutlierOptions = {
  consecutiveFailures: 3,
  baseEjectionMs: 2000,
  maxEjectionMs: 30_000,
  maxEjectedFraction: 0.5,
  intervalMs: 250,
};

/** Envoy's defaults, for the comparison in tests and benchmarks. */
export const ENVOY_OUTLIER: OutlierOptions = {
  consecutiveFailures: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectedFraction: 0.1,
  intervalMs: 10_000,
};

export type OutlierEvent =
  | { type: 'eject'; name: Name; at: number; durationMs: number; failures: number }
  | { type: 'eject-refused'; name: Name; at: number; ejected: number; hosts: number }
  | { type: 'uneject'; name: Name; at: number; afterMs: number };

export interface OutlierCounters {
  ejections: number;
  ejectionsRefused: number;
  unejections: number;
}

export class OutlierDetector implements MonitorSink {
  private readonly monitors = new Map<string, HostMonitor>();
  readonly counters: OutlierCounters = { ejections: 0, ejectionsRefused: 0, unejections: 0 };
  readonly threshold: number;

  constructor(
    readonly opts: OutlierOptions = DEFAULT_OUTLIER,
    private readonly onEvent: (e: OutlierEvent) => void = () => {},
  ) {
    this.threshold = opts.consecutiveFailures;
  }

  /** The pool's instances: new ones get a monitor, gone ones lose theirs. */
  setHosts(names: readonly Name[]): void {
    const keep = new Set(names.map((n) => n.key));
    for (const k of this.monitors.keys()) if (!keep.has(k)) this.monitors.delete(k);
    for (const n of names) this.monitor(n);
  }

  monitor(name: Name): HostMonitor {
    let m = this.monitors.get(name.key);
    if (!m) this.monitors.set(name.key, (m = new HostMonitor(name, this)));
    return m;
  }

  /** A request's result. `probeNow`: probe this instance at once (a failure short of the threshold). */
  putResult(name: Name, ok: boolean, now: number): { ejected: boolean; probeNow: boolean } {
    const m = this.monitor(name);
    m.putResult(ok, now);
    return { ejected: m.ejected, probeNow: !ok && !m.ejected };
  }

  putProbe(name: Name, ok: boolean, now: number): { ejected: boolean; probeNow: boolean } {
    const m = this.monitor(name);
    m.putProbe(ok, now);
    return { ejected: m.ejected, probeNow: !ok && !m.ejected };
  }

  isEjected(name: Name): boolean {
    return this.monitors.get(name.key)?.ejected ?? false;
  }

  ejected(): Name[] {
    return [...this.monitors.values()].filter((m) => m.ejected).map((m) => m.name);
  }

  onFailureRun(m: HostMonitor, now: number): void {
    const hosts = this.monitors.size;
    const out = this.ejected().length;
    const cap = Math.max(hosts >= 2 ? 1 : 0, Math.floor(hosts * this.opts.maxEjectedFraction));
    if (out + 1 > cap || out + 1 >= hosts) {
      this.counters.ejectionsRefused++;
      this.onEvent({ type: 'eject-refused', name: m.name, at: now, ejected: out, hosts });
      return;
    }
    m.multiplier++;
    const durationMs = Math.min(this.opts.baseEjectionMs * m.multiplier, Math.max(this.opts.baseEjectionMs, this.opts.maxEjectionMs));
    m.ejectedAt = now;
    m.ejectUntil = now + durationMs;
    m.probation = false;
    m.lastProbe = undefined;
    this.counters.ejections++;
    this.onEvent({ type: 'eject', name: m.name, at: now, durationMs, failures: m.consecutiveFailures });
  }

  /** The sweep: lets instances back in, decays multipliers of clean ones. */
  tick(now: number): void {
    for (const m of this.monitors.values()) {
      if (m.ejected) {
        if (now < m.ejectUntil) continue;
        if (m.lastProbe && !m.lastProbe.ok) continue; // still failing its probes: wait for one to answer
        const afterMs = now - m.ejectedAt!;
        m.ejectedAt = undefined;
        m.consecutiveFailures = 0;
        m.probation = true;
        m.cleanSince = now;
        this.counters.unejections++;
        this.onEvent({ type: 'uneject', name: m.name, at: now, afterMs });
      } else if (m.multiplier > 0 && now - m.cleanSince >= this.opts.baseEjectionMs) {
        m.multiplier--;
        m.cleanSince = now;
      }
    }
  }

  /** Instances out and when they may return (for `lab policies` and metrics). */
  status(): { name: Name; ejected: boolean; ejectUntil: number; multiplier: number; consecutiveFailures: number }[] {
    return [...this.monitors.values()].map((m) => ({
      name: m.name,
      ejected: m.ejected,
      ejectUntil: m.ejectUntil,
      multiplier: m.multiplier,
      consecutiveFailures: m.consecutiveFailures,
    }));
  }
}
