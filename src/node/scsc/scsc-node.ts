/**
 * The SCSC program. It runs the routing protocol as a stub router on its one link (sr3 in
 * figure2) and originates /damc/scsc, so:
 * - telemetry reaches it in-band by name from any SG, through the FIB like any service;
 * - it learns the topology it runs QoS Dijkstra over from its own LSDB, with no extra protocol;
 * - with a single link it can never be a transit hop: it is not in the data path, and killing
 *   it only takes a stub off the graph (no route between two other routers changes).
 * Telemetry in -> ScscCore -> signed policies out, each to <router>/policy; every second it
 * refreshes the topology and lets the core age reports and refresh policies.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { DEFAULT_CONDITIONS, policySigner, renderPrometheus, scscMetrics, ScscCore, type Conditions, type Push, type TopologyView } from '../../scheduling/index.js';
import type { Logger } from '../../util/log.js';
import { encode, tryDecode } from '../../wire/index.js';
import type { NodeConfig } from '../config.js';
import { policyName, SCSC_PREFIX } from './names.js';

export const SCSC_TICK_MS = 1000;

export class ScscNode {
  readonly core: ScscCore;
  readonly counters = { telemetryRx: 0, telemetryMalformed: 0, policiesSent: 0, policiesTooLarge: 0 };
  private timer: Timer | undefined;
  private lsdbKey = '';

  constructor(private readonly cfg: NodeConfig, private readonly router: RouterCore, private readonly scheduler: Scheduler, private readonly log: Logger) {
    const conditions: Conditions = { ...DEFAULT_CONDITIONS, ...(cfg.scheduling?.conditions ?? {}) };
    this.core = new ScscCore({
      self: router.name, conditions, sign: policySigner(createPrivateKey(cfg.privateKeyPem)),
      ...(cfg.scheduling?.policyLifetimeMs ? { policyLifetimeMs: cfg.scheduling.policyLifetimeMs } : {}),
    });
  }

  start(): void {
    const tick = () => {
      const now = this.now();
      this.send(this.refreshTopology(now));
      this.send(this.core.tick(now));
      this.timer = this.scheduler.after(SCSC_TICK_MS, tick);
    };
    tick();
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** A request to /damc/scsc… carrying QosTelemetry; false for packets that are not ours. */
  receive(p: DataPacket): boolean {
    if (p.type !== 'request' || p.ack || !SCSC_PREFIX.isPrefixOf(p.name)) return false;
    const d = tryDecode(p.payload);
    if (!d.ok || d.message.type !== 'qos-telemetry') {
      this.counters.telemetryMalformed++;
      return true;
    }
    this.counters.telemetryRx++;
    this.send(this.core.onTelemetry(d.message, this.now()));
    return true;
  }

  private refreshTopology(now: number): Push[] {
    const live = this.router.lsdb.all().filter((e) => e.lsa.lifetimeS > 0);
    const key = live.map((e) => `${e.lsa.origin.key}:${e.lsa.kind}:${e.lsa.seq}`).sort().join(',');
    if (key === this.lsdbKey) return [];
    this.lsdbKey = key;
    const topo: TopologyView = {
      adjacencies: live.flatMap((e) => (e.lsa.kind === 'adjacency' ? [{ origin: e.lsa.origin, neighbors: e.lsa.neighbors }] : [])),
      prefixes: live.flatMap((e) => (e.lsa.kind === 'prefix' ? [{ origin: e.lsa.origin, prefixes: e.lsa.prefixes }] : [])),
    };
    return this.core.setTopology(topo, now);
  }

  private send(pushes: readonly Push[]): void {
    for (const { router, policy } of pushes) {
      if (router.equals(this.router.name)) continue;
      const payload = encode(policy);
      if (payload.length > 1400) {
        this.counters.policiesTooLarge++;
        this.log.warn({ router: router.toString(), bytes: payload.length }, 'policy too large for one segment; not sent');
        continue;
      }
      this.counters.policiesSent++;
      this.log.info({ event: 'policy-push', router: this.cfg.routerNodes[router.key] ?? router.toString(), version: policy.version.toString(), entries: policy.entries.length }, 'policy pushed');
      this.router.originateData({
        type: 'request', name: policyName(router), requester: this.router.name, requestId: randomBytes(8).readBigUInt64BE(),
        hopLimit: 32, segIndex: 0, segCount: 1, payload,
      });
    }
  }

  /** Whole ms: versions and expiries are integers on the wire (virtual time in tests is not). */
  private now(): number {
    return Math.floor(this.scheduler.now());
  }

  view(): ReturnType<ScscCore['view']> {
    return this.core.view(this.now());
  }

  metrics(): string {
    const c = this.counters;
    return renderPrometheus([
      ...scscMetrics(this.view()),
      { name: 'damc_scsc_telemetry_total', help: 'Telemetry reports received.', type: 'counter', samples: [{ value: c.telemetryRx }] },
      { name: 'damc_scsc_telemetry_malformed_total', help: 'Requests to /damc/scsc that were not telemetry.', type: 'counter', samples: [{ value: c.telemetryMalformed }] },
      { name: 'damc_scsc_policies_sent_total', help: 'Signed policies pushed to routers.', type: 'counter', samples: [{ value: c.policiesSent }] },
    ]);
  }
}
