/**
 * What scheduling adds to a router program (SG, SR, or the SCSC's stub router), in one place so
 * router-node.ts needs only a few lines: the policy receiver on SGs and SRs, the SG's telemetry
 * reports, the SCSC program on the SCSC, and their control commands (`policies`, `metrics`,
 * `scsc`).
 */
import type { Scheduler } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { formatScscView, PolicySteering, PolicyStore, type ScscView } from '../../scheduling/index.js';
import type { NameTrie, RibEntry } from '../../routing/index.js';
import { trustedPolicyVerifier } from '../sg/sg-probe.js';
import type { Logger } from '../../util/log.js';
import type { NodeConfig } from '../config.js';
import { schedulingControl } from '../sg/scheduling-control.js';
import type { ServiceGateway } from '../sg/service-gateway.js';
import { TelemetryReporter } from '../sg/telemetry-reporter.js';
import type { Server } from 'node:http';
import { serveMetrics } from '../sg/metrics-server.js';
import { PolicyReceiver } from './policy-receiver.js';
import { ScscNode } from './scsc-node.js';
import { LinkMonitor, type SendOn } from './link-monitor.js';
import { ScscGrant } from './scsc-grant.js';
import type { PrefixEntry } from '../../wire/index.js';

export const LINK_PROBE_MIN_MS = 500;

export const SCHEDULING_COMMANDS = ['policies', 'metrics', 'scsc'] as const;

export class SchedulingHooks {
  readonly policies: PolicyReceiver | undefined;
  readonly scsc: ScscNode | undefined;
  /** The SCSC's SPA grant for /damc/scsc (asked through an SG). */
  readonly grant: ScscGrant | undefined;
  /** SGs and SRs forward by the held policies' next-hop entries (src/scheduling/steering.ts). */
  readonly steering: PolicySteering | undefined;
  private readonly reporter: TelemetryReporter | undefined;
  /** Link probes and link reports (SGs, SRs); every router answers probes. */
  readonly links: LinkMonitor;
  private metricsServer: Server | undefined;

  constructor(private readonly cfg: NodeConfig, private readonly core: RouterCore, private readonly scheduler: Scheduler, log: Logger, private readonly sg: ServiceGateway | undefined, sendOn: SendOn,
    advertise: (entries: PrefixEntry[]) => void) {
    if (cfg.kind === 'damc-scsc') {
      this.scsc = new ScscNode(cfg, core, scheduler, log.child({ ns: 'scsc' }));
      this.grant = new ScscGrant(cfg, core, scheduler, log.child({ ns: 'grant' }), advertise);
    } else {
      const store = sg?.scheduling.policies ?? new PolicyStore(trustedPolicyVerifier(cfg));
      this.policies = new PolicyReceiver(core.name, store, () => Math.floor(scheduler.now()), log.child({ ns: 'policy' }));
      const links = () => core.neighbors().filter((n) => n.twoWay).map((n) => ({ iface: n.iface, neighbor: n.router }));
      this.steering = new PolicySteering(store, links, () => scheduler.now());
    }
    if (sg) this.reporter = new TelemetryReporter(core, scheduler, sg.scheduling.stats);
    // Probing only where an SCSC can use it; a few probes per hello-dead interval at most.
    const probes = cfg.kind !== 'damc-scsc' && Object.keys(cfg.scscKeys ?? {}).length > 0;
    this.links = new LinkMonitor(core, scheduler, sendOn, probes ? Math.max(LINK_PROBE_MIN_MS, 5 * cfg.timers.helloIntervalMs) : undefined);
  }

  /** `metricsPort`: the SCSC serves its Prometheus text there too (an SG's gateway does its own). */
  async start(metricsPort?: number): Promise<void> {
    this.scsc?.start();
    this.grant?.start();
    this.reporter?.start();
    this.links.start();
    if (this.scsc && metricsPort !== undefined) this.metricsServer = (await serveMetrics(() => this.scsc!.metrics(), metricsPort)).server;
  }

  stop(): void {
    this.metricsServer?.close();
    this.scsc?.stop();
    this.grant?.stop();
    this.reporter?.stop();
    this.links.stop();
  }

  /** The table to forward data by (RouterCore's forwardingTable). */
  forwardingTable(fib: NameTrie<RibEntry>): NameTrie<RibEntry> {
    return this.steering ? this.steering.fib(fib) : fib;
  }

  /** True when the packet was scheduling's (a policy push or a telemetry report). */
  receive(p: DataPacket, fromIface: string | undefined): boolean {
    return this.links.receive(p, fromIface) || (this.policies?.receive(p) ?? false) || (this.scsc?.receive(p) ?? false) || (this.grant?.receive(p) ?? false);
  }

  control(cmd: (typeof SCHEDULING_COMMANDS)[number]): unknown {
    const now = this.scheduler.now();
    if (cmd === 'scsc') {
      if (!this.scsc) throw new Error('this node is not an SCSC');
      const v: ScscView = this.scsc.view();
      return { text: formatScscView(v), view: v, counters: this.scsc.counters };
    }
    if (this.scsc) {
      if (cmd === 'metrics') return this.scsc.metrics();
      return { text: 'the SCSC holds no policies: it sends them', policies: [], counters: {}, ejected: [] };
    }
    const steer = this.steering
      ? { steering: this.steering, refresh: () => void this.steering!.fib(this.core.fib()), nodeOf: (k: string) => this.cfg.routerNodes[k] ?? k }
      : undefined;
    // An SR: its store only (it applies no pool weights; it forwards by next-hop entries).
    if (!this.sg && this.policies) return schedulingControl(cmd, undefined, now, this.policies.store, steer);
    return schedulingControl(cmd, this.sg, now, undefined, steer);
  }
}
