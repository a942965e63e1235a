/**
 * The SCSC's decisions, pure: telemetry in, signed policies out. Per (reporting SG, instance)
 * it keeps whether the instance is in or out for that SG: out when its latest sample breaks the
 * preset conditions, back in only when it meets them with a margin (hysteresis), forgotten when
 * its reports stop. Every SG that reports on a pool gets, per pool prefix, weights over the
 * instances it reported: 100 for those in, 0 for those out (if all are out, 1 each: nothing is
 * better, and an empty pool would fail every call). Routers whose QoS-weighted next hops
 * towards an instance differ from their FIB's get next-hop entries (qos-paths.ts).
 *
 * A policy goes out when a router's entries change and is refreshed every `refreshMs` before
 * its `policyLifetimeMs` runs out, so a router holds a policy as long as the SCSC lives and
 * loses it at most one lifetime after the SCSC is gone. Versions are the SCSC's clock in µs (at
 * least one more than the last), so a restarted SCSC, which rebuilds its view from the next
 * reports, still outranks what it sent before it died.
 */
import type { PolicyEntry, QosPolicy, QosTelemetry } from '../wire/messages.js';
import type { UnsignedPolicy } from '../wire/preserved.js';
import type { Name } from '../wire/name.js';
import { describeViolation, violations, type Conditions } from './conditions.js';
import { DEFAULT_PATHS, linkPenalties, pathEntries, type LinkPenalty, type PathOptions, type TopologyView } from './qos-paths.js';
import { TelemetryStore, type StoredSample } from './telemetry-store.js';

export interface ScscOptions {
  readonly self: Name;
  readonly conditions: Conditions;
  readonly sign: (u: UnsignedPolicy) => QosPolicy;
  /** Restore only when every figure is under limit × margin. */
  readonly recoverMargin?: number;
  readonly policyLifetimeMs?: number;
  readonly refreshMs?: number;
  readonly telemetryMaxAgeMs?: number;
  readonly paths?: PathOptions;
  /** The pool an instance serves: /B/4 -> /B by default. */
  readonly poolOf?: (instance: Name) => Name;
  /** Decisions kept for `lab scsc`. */
  readonly historySize?: number;
}

export const POOL_WEIGHT_IN = 100;

export interface Decision {
  readonly at: number;
  readonly reporter: Name;
  readonly instance: Name;
  readonly action: 'drain' | 'restore' | 'forget';
  readonly reasons: readonly string[];
}

export interface Push {
  readonly router: Name;
  readonly policy: QosPolicy;
}

interface PairState {
  readonly reporter: Name;
  readonly instance: Name;
  out: boolean;
  reasons: string[];
}

export interface ScscView {
  readonly instances: {
    reporter: string; instance: string; state: 'in' | 'out'; reasons: readonly string[];
    rttMs: number; loss: number; errorRate: number; healthy: boolean; samples: number; ageMs: number;
  }[];
  readonly links: { from: string; to: string; extra: number; reasons: readonly string[] }[];
  readonly policies: { router: string; version: string; expires: number; entries: readonly PolicyEntry[] }[];
  readonly decisions: readonly Decision[];
}

export class ScscCore {
  private readonly store: TelemetryStore;
  private readonly pairs = new Map<string, PairState>();
  private topo: TopologyView = { adjacencies: [], prefixes: [] };
  private routers = new Set<string>();
  private readonly sent = new Map<string, { router: Name; fingerprint: string; at: number; policy: QosPolicy }>();
  private version = 0n;
  private readonly history: Decision[] = [];
  /** Path entries cost two SPFs per router: recomputed only when topology, penalties or targets change. */
  private pathCache: { topo: TopologyView; key: string; paths: Map<string, PolicyEntry[]> } | undefined;
  private readonly margin: number;
  private readonly lifetime: number;
  private readonly refresh: number;
  private readonly poolOf: (n: Name) => Name;

  constructor(private readonly opts: ScscOptions) {
    this.store = new TelemetryStore(opts.telemetryMaxAgeMs ?? 3000);
    this.margin = opts.recoverMargin ?? 0.8;
    this.lifetime = opts.policyLifetimeMs ?? 15_000;
    this.refresh = opts.refreshMs ?? 5000;
    this.poolOf = opts.poolOf ?? ((n) => n.prefix(n.length - 1));
  }

  onTelemetry(t: QosTelemetry, now: number): Push[] {
    this.store.ingest(t, now);
    return this.evaluate(now);
  }

  /** The SCSC's copy of the LSDB (adjacency and prefix LSAs). */
  setTopology(topo: TopologyView, now: number): Push[] {
    this.topo = topo;
    this.routers = new Set(topo.adjacencies.map((a) => a.origin.key));
    return this.evaluate(now);
  }

  /** Run every second or so: ages reports, refreshes policies before they expire. */
  tick(now: number): Push[] {
    return this.evaluate(now);
  }

  /** Instances are service names (/B/4); routers and the lab's own /damc/... names are links or nodes. */
  private isInstance(n: Name): boolean {
    return !this.routers.has(n.key) && n.length >= 2 && n.key.split('/')[1] !== 'damc';
  }

  evaluate(now: number): Push[] {
    for (const s of this.store.expire(now)) {
      const k = TelemetryStore.key(s.reporter, s.target);
      const st = this.pairs.get(k);
      if (!st) continue;
      this.pairs.delete(k);
      if (st.out) this.log({ at: now, reporter: s.reporter, instance: s.target, action: 'forget', reasons: ['no reports'] });
    }
    const fresh = this.store.samples(now);
    const byRouter = new Map<string, { router: Name; pools: Map<string, { pool: Name; instances: { name: Name; out: boolean }[] }> }>();
    const targets = new Map<string, Name>();
    for (const s of fresh) {
      if (!this.isInstance(s.target)) continue;
      targets.set(s.target.key, s.target);
      const st = this.judge(s, now);
      let r = byRouter.get(s.reporter.key);
      if (!r) byRouter.set(s.reporter.key, (r = { router: s.reporter, pools: new Map() }));
      const pool = this.poolOf(s.target);
      let p = r.pools.get(pool.key);
      if (!p) r.pools.set(pool.key, (p = { pool, instances: [] }));
      p.instances.push({ name: s.target, out: st.out });
    }
    const entries = new Map<string, { router: Name; entries: PolicyEntry[] }>();
    for (const [k, r] of byRouter) {
      const list: PolicyEntry[] = [];
      for (const p of [...r.pools.values()].sort((a, b) => a.pool.compare(b.pool))) {
        const ins = p.instances.sort((a, b) => a.name.compare(b.name));
        const allOut = ins.every((i) => i.out);
        list.push({ prefix: p.pool, instances: ins.map((i) => ({ name: i.name, weight: allOut ? 1 : i.out ? 0 : POOL_WEIGHT_IN })), nexthops: [] });
      }
      entries.set(k, { router: r.router, entries: list });
    }
    const paths = this.paths(this.penalties(fresh), [...targets.values()].sort((a, b) => a.compare(b)));
    for (const [k, es] of paths) {
      const router = this.topo.adjacencies.find((a) => a.origin.key === k)!.origin;
      const e = entries.get(k) ?? { router, entries: [] };
      e.entries.push(...es);
      entries.set(k, e);
    }
    return this.pushes(entries, now);
  }

  private judge(s: StoredSample, now: number): PairState {
    const k = TelemetryStore.key(s.reporter, s.target);
    let st = this.pairs.get(k);
    if (!st) this.pairs.set(k, (st = { reporter: s.reporter, instance: s.target, out: false, reasons: [] }));
    if (!st.out) {
      const v = violations(s, this.opts.conditions);
      if (v.length > 0) {
        st.out = true;
        st.reasons = v.map(describeViolation);
        this.log({ at: now, reporter: s.reporter, instance: s.target, action: 'drain', reasons: st.reasons });
      }
    } else {
      const v = violations(s, this.opts.conditions, this.margin);
      if (v.length === 0) {
        st.out = false;
        this.log({ at: now, reporter: s.reporter, instance: s.target, action: 'restore', reasons: st.reasons.map((r) => `recovered from ${r}`) });
        st.reasons = [];
      } else st.reasons = v.map(describeViolation);
    }
    return st;
  }

  private paths(penalties: LinkPenalty[], targets: Name[]): Map<string, PolicyEntry[]> {
    const key = JSON.stringify([penalties.map((p) => [p.from.key, p.to.key, p.extra]), targets.map((t) => t.key)]);
    const c = this.pathCache;
    if (c && c.topo === this.topo && c.key === key) return c.paths;
    const paths = pathEntries(this.topo, penalties, targets);
    this.pathCache = { topo: this.topo, key, paths };
    return paths;
  }

  private penalties(fresh: readonly StoredSample[]): LinkPenalty[] {
    return linkPenalties(fresh.filter((s) => this.routers.has(s.target.key)), this.topo, this.opts.paths ?? DEFAULT_PATHS);
  }

  private pushes(entries: Map<string, { router: Name; entries: PolicyEntry[] }>, now: number): Push[] {
    const out: Push[] = [];
    const send = (router: Name, list: PolicyEntry[], fingerprint: string) => {
      const v = BigInt(now) * 1000n;
      this.version = v > this.version ? v : this.version + 1n;
      const policy = this.opts.sign({ type: 'qos-policy', origin: this.opts.self, version: this.version, expires: now + this.lifetime, entries: list });
      this.sent.set(router.key, { router, fingerprint, at: now, policy });
      out.push({ router, policy });
    };
    for (const [k, e] of entries) {
      const fp = fingerprint(e.entries);
      const last = this.sent.get(k);
      if (!last || last.fingerprint !== fp || now - last.at >= this.refresh) send(e.router, e.entries, fp);
    }
    // Routers that held entries and now have none: one empty policy clears them at once.
    for (const [k, last] of this.sent) {
      if (entries.has(k) || last.fingerprint === '[]') continue;
      send(last.router, [], '[]');
    }
    return out;
  }

  private log(d: Decision): void {
    this.history.push(d);
    const max = this.opts.historySize ?? 200;
    if (this.history.length > max) this.history.splice(0, this.history.length - max);
  }

  get decisions(): readonly Decision[] {
    return this.history;
  }

  /** What `lab scsc --json` prints. */
  view(now: number): ScscView {
    const fresh = this.store.samples(now);
    return {
      instances: fresh
        .filter((s) => this.isInstance(s.target))
        .map((s) => {
          const st = this.pairs.get(TelemetryStore.key(s.reporter, s.target));
          return {
            reporter: s.reporter.toString(),
            instance: s.target.toString(),
            state: st?.out ? ('out' as const) : ('in' as const),
            reasons: st?.reasons ?? [],
            rttMs: s.rttUs / 1000,
            loss: s.lossPpm / 1e6,
            errorRate: s.errorPpm / 1e6,
            healthy: s.healthy,
            samples: s.samples,
            ageMs: now - s.receivedAt,
          };
        })
        .sort((a, b) => (a.reporter + a.instance).localeCompare(b.reporter + b.instance)),
      links: this.penalties(fresh).map((p) => ({ from: p.from.toString(), to: p.to.toString(), extra: p.extra, reasons: p.reasons })),
      policies: [...this.sent.values()]
        .filter((s) => s.policy.expires > now && s.policy.entries.length > 0)
        .map((s) => ({ router: s.router.toString(), version: s.policy.version.toString(), expires: s.policy.expires, entries: s.policy.entries })),
      decisions: [...this.history],
    };
  }
}

function fingerprint(entries: readonly PolicyEntry[]): string {
  return JSON.stringify(entries.map((e) => [e.prefix.key, e.instances.map((i) => [i.name.key, i.weight]), e.nexthops.map((h) => [h.name.key, h.weight])]));
}
