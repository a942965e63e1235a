/**
 * What scheduling adds to a router program (SG, SR, or the SCSC's stub router), in one place so
 * router-node.ts needs only a few lines: the policy receiver on SGs and SRs, the SG's telemetry
 * reports, the SCSC program on the SCSC, and their control commands (`policies`, `metrics`,
 * `scsc`).
 */
import type { Scheduler } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { formatScscView, PolicyStore, type ScscView } from '../../scheduling/index.js';
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

export const SCHEDULING_COMMANDS = ['policies', 'metrics', 'scsc'] as const;

export class SchedulingHooks {
  readonly policies: PolicyReceiver | undefined;
  readonly scsc: ScscNode | undefined;
  private readonly reporter: TelemetryReporter | undefined;
  private metricsServer: Server | undefined;

  constructor(cfg: NodeConfig, core: RouterCore, private readonly scheduler: Scheduler, log: Logger, private readonly sg: ServiceGateway | undefined) {
    if (cfg.kind === 'damc-scsc') this.scsc = new ScscNode(cfg, core, scheduler, log.child({ ns: 'scsc' }));
    else {
      const store = sg?.scheduling.policies ?? new PolicyStore(trustedPolicyVerifier(cfg));
      this.policies = new PolicyReceiver(core.name, store, () => Math.floor(scheduler.now()), log.child({ ns: 'policy' }));
    }
    if (sg) this.reporter = new TelemetryReporter(core, scheduler, sg.scheduling.stats);
  }

  /** `metricsPort`: the SCSC serves its Prometheus text there too (an SG's gateway does its own). */
  async start(metricsPort?: number): Promise<void> {
    this.scsc?.start();
    this.reporter?.start();
    if (this.scsc && metricsPort !== undefined) this.metricsServer = (await serveMetrics(() => this.scsc!.metrics(), metricsPort)).server;
  }

  stop(): void {
    this.metricsServer?.close();
    this.scsc?.stop();
    this.reporter?.stop();
  }

  /** True when the packet was scheduling's (a policy push or a telemetry report). */
  receive(p: DataPacket): boolean {
    return (this.policies?.receive(p) ?? false) || (this.scsc?.receive(p) ?? false);
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
    if (!this.sg && this.policies) {
      // An SR: its store only (it applies no pool weights; next-hop entries are held and shown).
      return schedulingControl(cmd, undefined, now, this.policies.store);
    }
    return schedulingControl(cmd, this.sg, now);
  }
}
