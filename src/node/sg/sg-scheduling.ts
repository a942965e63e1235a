/**
 * The SG's measurement and pool choice, around the pure parts of src/scheduling:
 * - passive figures from every exchange it carries (latency, 5xx, timeouts per instance);
 * - active probes (GET of the instance's health endpoint: RTT, loss, HTTP error, health) to
 *   every instance of the pools its pods called recently, every `probeIntervalMs` (default 1 s)
 *   and at once when a failure calls for it (probe-plan.ts);
 * - the instance for a pool request (/B): weighted two-choice least-request (balancer.ts) over
 *   the pool's instances, the held policy's weights when there is one, skipping instances the
 *   local outlier detector ejected (never the whole pool);
 * - Prometheus text of all of it.
 * It owns no socket: the gateway gives it the probe function and the clock.
 */
import type { Scheduler, Timer as TimerHandle } from '../../routing/clock.js';
import type { RouterCore } from '../../routing/router.js';
import {
  candidatesFor,
  Histogram,
  InFlight,
  InstanceStats,
  OutlierDetector,
  outlierMetrics,
  pick,
  policyMetrics,
  PolicyStore,
  ProbePlanner,
  renderPrometheus,
  DEFAULT_PROBES,
  type MetricFamily,
  type Outcome,
  type PolicyVerifier,
  type Candidate,
  type RoutedInstance,
} from '../../scheduling/index.js';
import type { PolicyEntry } from '../../wire/messages.js';
import type { Logger } from '../../util/log.js';
import type { Name } from '../../wire/name.js';

export interface SgSchedulingOptions {
  /** Probe period per instance (default 1 s). */
  probeIntervalMs?: number;
  /**
   * Which instances a pool request may go to with no policy: 'nearest' (default: those at the
   * lowest routing cost, equal shares, what the FIB does) or 'pool' (every reachable instance,
   * equal shares, what a service mesh does).
   */
  spread?: 'nearest' | 'pool';
  /** Outlier sweep and policy expiry check (ms). */
  sweepMs?: number;
}

export type ProbeFn = (instance: Name) => Promise<{ outcome: Outcome; latencyMs: number }>;

interface PerInstance {
  ok: number;
  error: number;
  timeout: number;
  probes: number;
  probeFailures: number;
  latency: Histogram;
}

export class SgScheduling {
  readonly stats = new InstanceStats(2000);
  readonly inflight = new InFlight();
  readonly policies: PolicyStore;
  private readonly detectors = new Map<string, OutlierDetector>();
  private readonly planner: ProbePlanner;
  private readonly per = new Map<string, { name: Name; c: PerInstance }>();
  private readonly picks = new Map<string, number>();
  private readonly probing = new Set<string>();
  private sweepTimer: TimerHandle | undefined;
  private probeTimer: TimerHandle | undefined;
  private probeAt = Infinity;
  private stopped = false;

  constructor(
    private readonly core: RouterCore,
    private readonly scheduler: Scheduler,
    private readonly probe: ProbeFn,
    verify: PolicyVerifier,
    private readonly log: Logger,
    private readonly o: SgSchedulingOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.policies = new PolicyStore(verify);
    this.planner = new ProbePlanner(random, { ...DEFAULT_PROBES, intervalMs: o.probeIntervalMs ?? DEFAULT_PROBES.intervalMs });
  }

  start(): void {
    const sweep = () => {
      if (this.stopped) return;
      const now = this.scheduler.now();
      for (const d of this.detectors.values()) d.tick(now);
      for (const origin of this.policies.sweep(now)) this.log.info({ origin: origin.toString() }, 'policy expired: back to shortest path');
      this.sweepTimer = this.scheduler.after(this.o.sweepMs ?? 250, sweep);
    };
    sweep();
  }

  stop(): void {
    this.stopped = true;
    this.sweepTimer?.cancel();
    this.probeTimer?.cancel();
  }

  /** The pool's instances the FIB knows (/B/1, /B/4 for /B), with their routing cost. */
  routed(pool: Name): RoutedInstance[] {
    return this.core.fib().entries()
      .filter((e) => e.prefix.length === pool.length + 1 && pool.isPrefixOf(e.prefix))
      .map((e) => ({ name: e.prefix, cost: this.o.spread === 'pool' ? 0 : e.value.cost }));
  }

  private detector(pool: Name): OutlierDetector {
    let d = this.detectors.get(pool.key);
    if (!d) {
      d = new OutlierDetector(undefined, (e) => this.log.info({ event: `outlier-${e.type}`, pool: pool.toString(), instance: e.name.toString() }, `outlier ${e.type} ${e.name.toString()}`));
      this.detectors.set(pool.key, d);
    }
    return d;
  }

  /** The instance for one pool request (undefined: the FIB knows none). */
  choose(pool: Name, exclude?: Name): Name | undefined {
    const now = this.scheduler.now();
    const all = this.routed(pool);
    const routed = exclude ? all.filter((r) => !r.name.equals(exclude)) : all;
    if (routed.length === 0) return undefined;
    const d = this.detector(pool);
    const names = all.map((r) => r.name);
    d.setHosts(names);
    this.planner.called(pool, now);
    this.planner.setInstances(pool, names, now);
    this.scheduleProbes();
    const entry = this.policies.lookup(pool, now);
    const policy = entry && entry.prefix.equals(pool) && entry.instances.length > 0 ? entry : undefined;
    const c = pick(policyCandidates(policy, routed), this.random, { excluded: (n) => d.isEjected(n), active: (n) => this.inflight.get(n) });
    if (c) this.picks.set(c.name.key, (this.picks.get(c.name.key) ?? 0) + 1);
    return c?.name;
  }

  /** One exchange's result (traffic or probe), fed to the figures and the outlier detector. */
  record(instance: Name, outcome: Outcome, latencyMs: number, kind: 'traffic' | 'health'): void {
    const now = this.scheduler.now();
    this.stats.record(instance, now, outcome, latencyMs, kind);
    const c = this.counters(instance);
    if (kind === 'traffic') {
      c[outcome]++;
      c.latency.observe(latencyMs / 1000);
    } else {
      c.probes++;
      if (outcome !== 'ok') c.probeFailures++;
    }
    const pool = instance.prefix(instance.length - 1);
    const d = this.detector(pool);
    const r = kind === 'traffic' ? d.putResult(instance, outcome === 'ok', now) : d.putProbe(instance, outcome === 'ok', now);
    if (r.probeNow) {
      this.planner.urgent(instance, now);
      this.scheduleProbes(true);
    }
  }

  private counters(instance: Name): PerInstance {
    let p = this.per.get(instance.key);
    if (!p) this.per.set(instance.key, (p = { name: instance, c: { ok: 0, error: 0, timeout: 0, probes: 0, probeFailures: 0, latency: new Histogram() } }));
    return p.c;
  }

  private scheduleProbes(now = false): void {
    if (this.stopped) return;
    const next = now ? this.scheduler.now() : this.planner.nextAt();
    if (next === undefined || next >= this.probeAt) return;
    this.probeTimer?.cancel();
    this.probeAt = next;
    this.probeTimer = this.scheduler.after(Math.max(0, next - this.scheduler.now()), () => this.runProbes());
  }

  private runProbes(): void {
    this.probeAt = Infinity;
    const now = this.scheduler.now();
    for (const i of this.planner.due(now)) {
      if (this.probing.has(i.key)) continue; // one probe in flight per instance
      this.probing.add(i.key);
      void this.probe(i).then((r) => {
        this.probing.delete(i.key);
        if (!this.stopped) this.record(i, r.outcome, r.latencyMs, 'health');
      });
    }
    this.scheduleProbes();
  }

  /** Local ejections per pool (for `lab policies`). */
  ejections(): { pool: string; instance: string; ejectUntil: number }[] {
    const out: { pool: string; instance: string; ejectUntil: number }[] = [];
    for (const [k, d] of this.detectors) for (const s of d.status()) if (s.ejected) out.push({ pool: k, instance: s.name.toString(), ejectUntil: s.ejectUntil });
    return out;
  }

  /** Prometheus text: per-instance traffic and probe figures, picks, ejections, policies. */
  metrics(): string {
    const now = this.scheduler.now();
    const inst = [...this.per.values()].sort((a, b) => a.name.compare(b.name));
    const lab = (n: Name) => ({ instance: n.toString() });
    const fams: MetricFamily[] = [
      {
        name: 'damc_sg_requests_total', help: 'Exchanges this SG carried, by instance and result.', type: 'counter',
        samples: inst.flatMap((p) => (['ok', 'error', 'timeout'] as const).map((r) => ({ labels: { ...lab(p.name), result: r }, value: p.c[r] }))),
      },
      { name: 'damc_sg_request_duration_seconds', help: 'Exchange latency seen by this SG, per instance.', type: 'histogram', samples: inst.map((p) => ({ labels: lab(p.name), histogram: p.c.latency.snapshot() })) },
      { name: 'damc_sg_probes_total', help: 'Health probes sent, per instance.', type: 'counter', samples: inst.map((p) => ({ labels: lab(p.name), value: p.c.probes })) },
      { name: 'damc_sg_probe_failures_total', help: 'Health probes that failed (5xx, unhealthy or no answer).', type: 'counter', samples: inst.map((p) => ({ labels: lab(p.name), value: p.c.probeFailures })) },
      { name: 'damc_sg_pool_picks_total', help: 'Pool requests the balancer sent to each instance.', type: 'counter', samples: [...this.picks].sort().map(([k, v]) => ({ labels: { instance: k }, value: v })) },
    ];
    const window = this.stats.report(now);
    fams.push(
      { name: 'damc_sg_instance_rtt_seconds', help: 'Mean latency over the last window (probes and traffic).', type: 'gauge', samples: window.map((s) => ({ labels: lab(s.target), value: s.rttUs / 1e6 })) },
      { name: 'damc_sg_instance_error_ratio', help: 'Share of failed exchanges over the last window.', type: 'gauge', samples: window.map((s) => ({ labels: lab(s.target), value: s.errorPpm / 1e6 })) },
      { name: 'damc_sg_instance_loss_ratio', help: 'Share of probes unanswered over the last window.', type: 'gauge', samples: window.map((s) => ({ labels: lab(s.target), value: s.lossPpm / 1e6 })) },
      { name: 'damc_sg_instance_healthy', help: '1 when the last health probe answered 2xx.', type: 'gauge', samples: window.map((s) => ({ labels: lab(s.target), value: s.healthy ? 1 : 0 })) },
    );
    fams.push(...policyMetrics(this.policies, now));
    fams.push(...mergeFamilies([...this.detectors].map(([k, d]) => outlierMetrics(k, d))));
    return renderPrometheus(fams);
  }
}

/**
 * The candidates under a policy: the lowest routing cost level that still has an instance the
 * policy allows (weight > 0; an instance it does not name counts as allowed, weight 1), with the
 * policy's weights. With spread 'pool' every routed instance is at cost 0, so that is the
 * policy's weights over the whole pool; with 'nearest' it is shortest path among the instances
 * the SCSC keeps in. Instances the policy names but the FIB does not reach are never candidates.
 */
export function policyCandidates(policy: PolicyEntry | undefined, routed: readonly RoutedInstance[]): Candidate[] {
  if (!policy) return candidatesFor(undefined, routed);
  const weight = (n: Name) => policy.instances.find((i) => i.name.equals(n))?.weight ?? 1;
  const costs = [...new Set(routed.map((r) => r.cost))].sort((a, b) => a - b);
  for (const cost of costs) {
    const level = routed.filter((r) => r.cost === cost).map((r) => ({ name: r.name, weight: weight(r.name) }));
    if (level.some((c) => c.weight > 0)) return level;
  }
  return candidatesFor(undefined, routed);
}

/** outlierMetrics gives one set of families per pool; Prometheus wants each name once. */
function mergeFamilies(sets: MetricFamily[][]): MetricFamily[] {
  const by = new Map<string, MetricFamily>();
  for (const set of sets) {
    for (const f of set) {
      const have = by.get(f.name);
      if (!have) by.set(f.name, f);
      else by.set(f.name, { ...have, samples: [...have.samples, ...f.samples] } as MetricFamily);
    }
  }
  return [...by.values()];
}
