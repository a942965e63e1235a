/**
 * One SG (sg1, A/1's gateway) calling the pool /B in virtual time, with everything of the
 * scheduling core in its real place: the balancer picks by the policy store's weights (or the
 * FIB fallback), minus locally ejected instances; every answer feeds the outlier detector and
 * the SG's figures; a failed call is retried once on another instance; the SG probes each
 * instance every second (and at once when the detector asks) and reports to the SCSC every
 * second; the SCSC's signed policies come back after a 1 ms hop. Instances are functions of
 * time (latency, status) that scenarios change. Killing the SCSC drops what is sent to it.
 */
import { VirtualScheduler } from '../../src/routing/index.js';
import {
  candidatesFor,
  InFlight,
  InstanceStats,
  OutlierDetector,
  pick,
  policySigner,
  PolicyStore,
  ScscCore,
  seededRandom,
  trustMapPolicyVerifier,
  type OutlierEvent,
  type OutlierOptions,
  type RoutedInstance,
} from '../../src/scheduling/index.js';
import { Name, rawPublicKey, type QosPolicy } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';

export const T0 = 1_800_000_000_000;
const scscName = Name.parse('/damc/scsc');
const sg1 = Name.parse('/damc/router/sg1');
const scscKey = keyFromSeed(3);

export interface Instance {
  readonly name: Name;
  /** Path cost from sg1 (the FIB's view). */
  readonly cost: number;
  latencyMs: number;
  status: number;
}

export interface Pick {
  readonly at: number;
  readonly instance: string;
  readonly attempt: number;
}

export class Sim {
  readonly clock = new VirtualScheduler(T0);
  private readonly rnd = seededRandom(Number(process.env.SIM_SEED ?? 7));
  readonly store = new PolicyStore(trustMapPolicyVerifier({ '/damc/scsc': rawPublicKey(scscKey) }));
  readonly events: OutlierEvent[] = [];
  readonly detector: OutlierDetector;
  readonly stats = new InstanceStats(2000);
  private readonly inflight = new InFlight();
  scsc: ScscCore | undefined;
  readonly picks: Pick[] = [];
  calls = 0;
  failedCalls = 0;
  noInstance = 0;
  readonly timeoutMs = 1000;

  private readonly probeOnFailure: boolean;

  /** `outlier` and `probeOnFailure: false` let a test run Envoy's defaults in the same place. */
  constructor(readonly instances: Instance[], opts: { callGapMs?: number; outlier?: OutlierOptions; probeOnFailure?: boolean } = {}) {
    this.detector = new OutlierDetector(opts.outlier, (e) => this.events.push(e));
    this.probeOnFailure = opts.probeOnFailure ?? true;
    this.detector.setHosts(instances.map((i) => i.name));
    this.startScsc();
    const gap = opts.callGapMs ?? 20;
    // A/1 calls one at a time: the next call `gap` ms after the previous one is answered.
    const loop = () => this.call(() => this.clock.after(gap, loop));
    this.clock.after(gap, loop);
    this.every(1000, () => this.instances.forEach((i) => this.probe(i, 'health')));
    this.every(1000, () => this.report());
    this.every(1000, () => this.scsc && this.deliver(this.scsc.tick(this.clock.now())));
    this.every(this.detector.opts.intervalMs, () => {
      this.detector.tick(this.clock.now());
      this.store.sweep(this.clock.now());
    });
  }

  startScsc(): void {
    this.scsc = new ScscCore({
      self: scscName,
      conditions: { maxRttMs: 100, maxLoss: 0.05, maxErrorRate: 0.1, health: true },
      sign: policySigner(scscKey),
    });
  }

  killScsc(): void {
    this.scsc = undefined;
  }

  instance(name: string): Instance {
    return this.instances.find((i) => i.name.toString() === name)!;
  }

  run(untilS: number): void {
    this.clock.advance(T0 + untilS * 1000 - this.clock.now());
  }

  /** Runs until sg1's policy gives `instance` the weight `weight`; returns the seconds it took, or -1 within `limitS`. */
  untilWeight(instance: string, weight: number, limitS: number): number {
    const name = Name.parse(instance);
    const ms = this.clock.runUntil(() => {
      const w = this.store.lookup(name, this.clock.now())?.instances.find((i) => i.name.equals(name))?.weight;
      return w === weight;
    }, limitS * 1000, 10);
    return ms < 0 ? -1 : ms / 1000;
  }

  /** Share of first-attempt picks that went to `instance` in [fromS, toS). */
  share(instance: string, fromS: number, toS: number): number {
    const w = this.picks.filter((p) => p.attempt === 1 && p.at >= T0 + fromS * 1000 && p.at < T0 + toS * 1000);
    return w.filter((p) => p.instance === instance).length / Math.max(1, w.length);
  }

  /** First time from `fromS` after which every 1 s window has ≥ `share` of picks on `instance`. */
  shiftTime(instance: string, fromS: number, toS: number, share = 0.9): number {
    for (let t = fromS * 1000; t + 1000 <= toS * 1000; t += 100) {
      let ok = true;
      for (let u = t; u + 1000 <= toS * 1000 && ok; u += 100) ok = this.share(instance, u / 1000, (u + 1000) / 1000) >= share;
      if (ok) return (t - fromS * 1000) / 1000;
    }
    return -1;
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.clock.after(ms, tick);
    };
    this.clock.after(ms, tick);
  }

  private routed(): RoutedInstance[] {
    return this.instances.map((i) => ({ name: i.name, cost: i.cost }));
  }

  private choose(avoid?: Name): Instance | undefined {
    const now = this.clock.now();
    const entry = this.store.lookup(Name.parse('/B/echo'), now);
    const c = pick(candidatesFor(entry, this.routed()), this.rnd, {
      excluded: (n) => this.detector.isEjected(n) || (avoid !== undefined && n.equals(avoid)),
      active: (n) => this.inflight.get(n),
    });
    return c && this.instances.find((i) => i.name.equals(c.name));
  }

  private call(done: () => void): void {
    this.calls++;
    const attempt = (n: number, avoid?: Name) => {
      const inst = this.choose(avoid);
      if (!inst) {
        this.noInstance++;
        this.failedCalls++;
        return done();
      }
      this.picks.push({ at: this.clock.now(), instance: inst.name.toString(), attempt: n });
      this.send(inst, 'traffic', (ok) => {
        if (ok) return done();
        if (n === 1) return attempt(2, inst.name);
        this.failedCalls++;
        done();
      });
    };
    attempt(1);
  }

  /** One request or probe; the answer comes after the instance's latency (or the timeout). */
  private send(inst: Instance, kind: 'traffic' | 'probe' | 'health', answer: (ok: boolean) => void): void {
    const start = this.clock.now();
    if (kind === 'traffic') this.inflight.start(inst.name);
    const wait = Math.min(inst.latencyMs, this.timeoutMs);
    const status = inst.status;
    this.clock.after(wait, () => {
      const now = this.clock.now();
      const outcome = inst.latencyMs > this.timeoutMs ? 'timeout' : status >= 500 ? 'error' : 'ok';
      this.stats.record(inst.name, now, outcome, now - start, kind);
      let r;
      if (kind === 'traffic') {
        this.inflight.finish(inst.name);
        r = this.detector.putResult(inst.name, outcome === 'ok', now);
      } else r = this.detector.putProbe(inst.name, outcome === 'ok', now);
      if (r.probeNow && this.probeOnFailure) this.probe(inst, 'probe');
      answer(outcome === 'ok');
    });
  }

  private probe(inst: Instance, kind: 'probe' | 'health'): void {
    this.send(inst, kind, () => {});
  }

  private report(): void {
    const now = this.clock.now();
    const t = { type: 'qos-telemetry' as const, reporter: sg1, time: now, entries: this.stats.report(now) };
    this.clock.after(1, () => this.scsc && this.deliver(this.scsc.onTelemetry(t, this.clock.now())));
  }

  private deliver(pushes: { router: Name; policy: QosPolicy }[]): void {
    for (const p of pushes) if (p.router.equals(sg1)) this.clock.after(1, () => this.store.offer(p.policy, this.clock.now()));
  }
}

/** figure2's pool /B seen from sg1: B/1 in the caller's own pod (cost 0), B/4 three hops away. */
export function figure2Pool(): Instance[] {
  return [
    { name: Name.parse('/B/1'), cost: 0, latencyMs: 1, status: 200 },
    { name: Name.parse('/B/4'), cost: 3, latencyMs: 2, status: 200 },
  ];
}
