/**
 * Which instances an SG probes, and when: every instance of every pool its pods called in the
 * last `recentMs` (on demand), each every `intervalMs` (periodic, default 1 s, with ±10% jitter
 * so an SG's probes do not leave in one burst), and at once when a pool is first called or the
 * outlier detector asks (`urgent`). A pool nobody called for `recentMs` is no longer probed.
 * Pure: the caller asks `due(now)` when `nextAt()` comes and sends the probes.
 */
import type { Name } from '../wire/name.js';
import type { Random } from './random.js';

export interface ProbeOptions {
  readonly intervalMs: number;
  readonly recentMs: number;
  readonly jitter: number;
}

export const DEFAULT_PROBES: ProbeOptions = { intervalMs: 1000, recentMs: 30_000, jitter: 0.1 };

interface PoolState {
  lastCall: number;
  instances: Map<string, { name: Name; next: number }>;
}

export class ProbePlanner {
  private readonly pools = new Map<string, PoolState>();

  constructor(
    private readonly random: Random,
    readonly opts: ProbeOptions = DEFAULT_PROBES,
  ) {}

  /** A pod called `pool`: probe its instances from now on (the first call makes them due at once). */
  called(pool: Name, now: number): void {
    let p = this.pools.get(pool.key);
    if (!p) this.pools.set(pool.key, (p = { lastCall: now, instances: new Map() }));
    p.lastCall = now;
  }

  /** The pool's instances as routing knows them (new ones are due at once, gone ones dropped). */
  setInstances(pool: Name, instances: readonly Name[], now: number): void {
    const p = this.pools.get(pool.key);
    if (!p) return;
    const keep = new Set(instances.map((i) => i.key));
    for (const k of p.instances.keys()) if (!keep.has(k)) p.instances.delete(k);
    for (const i of instances) if (!p.instances.has(i.key)) p.instances.set(i.key, { name: i, next: now });
  }

  /** Probe this instance at the next `due` (a failure short of the ejection threshold). */
  urgent(instance: Name, now: number): void {
    for (const p of this.pools.values()) {
      const i = p.instances.get(instance.key);
      if (i) i.next = Math.min(i.next, now);
    }
  }

  /** Instances to probe now; each is scheduled again one jittered interval later. */
  due(now: number): Name[] {
    const out: Name[] = [];
    for (const [k, p] of this.pools) {
      if (now - p.lastCall > this.opts.recentMs) {
        this.pools.delete(k);
        continue;
      }
      for (const i of p.instances.values()) {
        if (i.next > now) continue;
        out.push(i.name);
        i.next = now + this.opts.intervalMs * (1 + this.opts.jitter * (2 * this.random() - 1));
      }
    }
    return out;
  }

  /** When `due` next has something (undefined: nothing to probe). */
  nextAt(): number | undefined {
    let t: number | undefined;
    for (const p of this.pools.values()) {
      for (const i of p.instances.values()) {
        if (t === undefined || i.next < t) t = i.next;
      }
      if (p.instances.size > 0) t = Math.min(t ?? Infinity, p.lastCall + this.opts.recentMs + 1);
    }
    return t;
  }
}
