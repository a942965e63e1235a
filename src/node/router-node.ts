/**
 * The SG/SR router program around the routing core: faces on the fabric interfaces (links to
 * other SGs/SRs), timers from the lab's config, structured logs, sequence numbers persisted,
 * and the control socket. Faces, carrier watcher, scheduler and store are passed in, so the
 * same program runs in a container and in-process over memory links.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import type { Face, LinkWatcher } from '../face/face.js';
import type { Scheduler } from '../routing/clock.js';
import { TrustMapCrypto } from '../routing/crypto.js';
import type { DataPacket } from '../routing/forwarder.js';
import type { SeqStore } from '../routing/seq.js';
import type { RouterEvent, RouterTimers } from '../routing/types.js';
import type { Logger } from '../util/log.js';
import { Name } from '../wire/name.js';
import { encode, type Message } from '../wire/index.js';
import type { NodeConfig, NodeInterfaceConfig } from './config.js';
import { serveControl, type ControlRequest } from './control-server.js';
import { RouterHost } from './router-host.js';
import { ServiceGateway, type ServiceGatewayOptions } from './sg/service-gateway.js';
import { VIEW_NAMES, Views, type ViewName } from './views.js';
import { GrantChecker } from '../service/index.js';
import { grantFilter, infraPrefixesOf, newGrantCounters } from './grant-filter.js';
import { Registrar, serviceInterfaces } from './sg/registrar-node.js';
import { SCHEDULING_COMMANDS, SchedulingHooks } from './scsc/router-hooks.js';
import { SpaRelay } from './sg/spa-relay.js';

export interface RouterNodeDeps {
  faces: readonly Face[];
  watcher?: LinkWatcher;
  scheduler: Scheduler;
  seqStore: SeqStore;
  log: Logger;
  /** Unix socket for the ctl; none when undefined. */
  controlPath?: string;
  /** An SG's HTTP proxy (tests listen on 127.0.0.1 port 0). */
  proxy?: ServiceGatewayOptions;
  /** An SG's faces on its pod and SPA links (class 1 and 3; never class 2). */
  serviceFaces?: readonly Face[];
}

/** Interfaces the routing protocol runs on: links to other SGs and SRs. */
export function fabricInterfaces(cfg: NodeConfig): NodeInterfaceConfig[] {
  // The SCSC runs routing as a one-link stub router (src/node/scsc/scsc-node.ts says why).
  return cfg.interfaces.filter((i) => i.peerKind === 'damc-sg' || i.peerKind === 'damc-sr' || i.peerKind === 'damc-scsc');
}

/** Timers beyond the lab's four, derived from them (see the README's routing section). */
export function routerTimers(t: NodeConfig['timers']): RouterTimers {
  return {
    ...t, rxmtIntervalMs: Math.max(100, 2 * t.helloIntervalMs),
    // SPF batching under a storm: a lab large enough for slower hellos (see src/topology/
    // timers.ts) holds SPF up to two hellos (4 s at 250 routers) while changes keep coming (a
    // fresh process's first SPF runs over 275 routers take 10-17 ms each, and each run writes a
    // log line that dockerd must take); small labs keep 500 ms. Quiet, it runs at once either way.
    spfInitialHoldMs: 10, spfMaxHoldMs: Math.min(4_000, Math.max(500, 2 * t.helloIntervalMs)), lsaInitialHoldMs: 50, lsaMaxHoldMs: 2_000,
    // Acks leave at the end of the event-loop turn that received the LSAs (one frame for the
    // batch): a delay would cost every router one more wakeup while a flood spreads.
    ackDelayMs: 0,
    // Large labs (slower hellos): our LSAs wait after start until every interface with carrier
    // has its two-way neighbor (at most two dead intervals), so each router's first adjacency
    // LSA already lists its neighbors (one version instead of one per neighbor as they come up).
    lsaStartupHoldMs: t.helloIntervalMs > 100 ? 2 * t.deadIntervalMs : 0,
    // Large labs only: a neighbor whose Hellos came late may stay silent up to three more dead
    // intervals (slack that punctual Hellos take back); small labs keep their 300 ms detection.
    lateSlackMaxMs: t.helloIntervalMs > 100 ? 3 * t.deadIntervalMs : 0,
    // Large labs: SPF backs off for a trickle of LSAs too (at 275 routers one run per arriving
    // LSA was 68 runs in 2 minutes); small labs keep the old rule, so faults seconds apart stay fast.
    spfBatchTrickle: t.helloIntervalMs > 100,
  };
}

/** At debug level, a sub-millisecond wall-clock stamp (ms since the epoch) for per-hop timelines. */
function hr(log: Logger): { t?: number } {
  return log.isLevelEnabled('debug') ? { t: Number((performance.timeOrigin + performance.now()).toFixed(3)) } : {};
}

export class RouterNode {
  readonly host: RouterHost;
  readonly views: Views;
  /** An SG's announcements and grants (undefined on an SR). */
  readonly registrar: Registrar | undefined;
  readonly grantCounters = newGrantCounters();
  private control: Server | undefined;
  private readonly pings = new Map<bigint, (p: DataPacket) => void>();
  /** An SG's service plane (HTTP proxy, transport, its pod's instances). */
  readonly service: ServiceGateway | undefined;
  /** Policies held (SG, SR), telemetry sent (SG), the SCSC program (SCSC): src/node/scsc. */
  readonly scheduling: SchedulingHooks;
  /** An SG's relay of the SCSC's grant request to its SPA. */
  readonly spaRelay: SpaRelay | undefined;

  constructor(private readonly cfg: NodeConfig, private readonly deps: RouterNodeDeps) {
    const name = Name.parse(cfg.routerName);
    const costs = Object.fromEntries(cfg.interfaces.map((i) => [i.name, i.cost]));
    this.host = new RouterHost({
      name, scheduler: deps.scheduler, faces: deps.faces, costs, watcher: deps.watcher,
      // An SG originates only what its SPA granted (the registrar sets it), the SCSC /damc/scsc
      // once an SPA granted it (scsc/scsc-grant.ts); every router checks grants.
      prefixes: cfg.kind === 'damc-sg' || cfg.kind === 'damc-scsc' ? [] : cfg.prefixes.map((p) => Name.parse(p)), timers: routerTimers(cfg.timers),
      // A prefix LSA part fills a frame of the smallest fabric MTU (an SG with thousands of prefixes floods parts).
      ...(fabricInterfaces(cfg).length ? { maxLsaBytes: Math.min(...fabricInterfaces(cfg).map((i) => i.mtu || 1500)) } : {}),
      prefixFilter: grantFilter(new GrantChecker(cfg.spaKeys ?? {}), deps.scheduler, this.grantCounters, deps.log, (k) => cfg.routerNodes[k] ?? k,
        infraPrefixesOf(cfg.infraPrefixes)),
      crypto: new TrustMapCrypto(createPrivateKey(cfg.privateKeyPem), cfg.trust), seqStore: deps.seqStore,
      onEvent: (e) => this.logEvent(e),
      deliver: (p, from) => this.deliver(p, from),
      // Late-bound: scheduling is built below, around this host's core.
      forwardingTable: (fib) => (this.scheduling ? this.scheduling.forwardingTable(fib) : fib),
    });
    this.views = new Views(this.host.core, cfg.routerNodes, () => deps.scheduler.now());
    if (cfg.kind === 'damc-sg') this.service = new ServiceGateway(cfg, this.host.core, deps.scheduler, deps.log.child({ ns: 'sg' }), deps.proxy);
    this.registrar = cfg.kind === 'damc-sg'
      ? new Registrar(cfg, name, deps.serviceFaces ?? [], deps.scheduler, deps.log, (entries) => this.host.setPrefixes(entries), (m) => this.spaRelay?.answered(m) ?? false)
      : undefined;
    // An SG takes the SCSC's grant request to its SPA (the SCSC has no SPA link).
    if (this.registrar) this.spaRelay = new SpaRelay(this.host.core, (r) => this.registrar!.sendToSpa(r), () => deps.scheduler.now());
    this.scheduling = new SchedulingHooks(cfg, this.host.core, deps.scheduler, deps.log, this.service, (iface, msg) => this.sendOn(iface, msg),
      (entries) => this.host.setPrefixes(entries));
  }

  async start(): Promise<void> {
    this.deps.log.info({ router: this.cfg.routerName, interfaces: this.deps.faces.map((f) => f.ifname), prefixes: this.cfg.prefixes, timers: routerTimers(this.cfg.timers) }, 'router starting');
    this.host.start();
    await this.service?.start();
    this.registrar?.start();
    await this.scheduling.start(this.deps.proxy?.metricsPort);
    if (this.deps.controlPath) this.control = await serveControl(this.deps.controlPath, (req) => this.handle(req));
  }

  /** Graceful: flushes our LSAs so the others route around us at once; `crash` just goes silent. */
  stop(opts: { crash?: boolean } = {}): void {
    this.registrar?.stop();
    this.host.stop(opts);
    this.service?.stop();
    this.scheduling.stop();
    this.control?.close();
  }

  handle(req: ControlRequest): unknown {
    if ((VIEW_NAMES as readonly string[]).includes(req.cmd)) {
      const v = req.cmd as ViewName;
      if (v === 'counters') {
        const faces = [...this.deps.faces, ...(this.deps.serviceFaces ?? [])];
        return {
          ...this.views.counters(Object.fromEntries(faces.map((f) => [f.ifname, f.counters()]))), grants: { ...this.grantCounters },
          ...(this.registrar ? { registrar: { ...this.registrar.counters } } : {}), ...(this.spaRelay ? { spaRelay: { ...this.spaRelay.counters } } : {}),
          ...(this.scheduling.grant ? { scscGrant: { ...this.scheduling.grant.counters } } : {}),
        };
      }
      return this.views[v]();
    }
    if (req.cmd === 'fib-digest') return this.views.fibDigest();
    if (req.cmd === 'grants') return { router: this.cfg.routerName, checks: { ...this.grantCounters }, ...(this.registrar ? this.registrar.view() : {}) };
    if (req.cmd === 'ping') return this.ping(String(req.name ?? ''), Number(req.timeoutMs ?? 1000));
    if ((SCHEDULING_COMMANDS as readonly string[]).includes(req.cmd)) return this.scheduling.control(req.cmd as (typeof SCHEDULING_COMMANDS)[number]);
    if (req.cmd === 'proxy' && this.service) return { ...this.service.stats, transport: this.service.transport.stats, active: this.service.transport.active };
    throw new Error(`unknown command "${req.cmd}"; commands: ${[...VIEW_NAMES, 'fib-digest', 'grants', 'proxy', 'ping'].join(', ')}`);
  }

  /** Sends a request to a name and waits for the response or nack (reachability by name). */
  ping(target: string, timeoutMs: number): Promise<{ name: string; result: string; rttMs: number; reporter?: string }> {
    const name = Name.parse(target);
    const requestId = randomBytes(8).readBigUInt64BE();
    const t0 = this.deps.scheduler.now();
    return new Promise((resolve) => {
      const timer = this.deps.scheduler.after(timeoutMs, () => {
        this.pings.delete(requestId);
        resolve({ name: target, result: 'timeout', rttMs: timeoutMs });
      });
      this.pings.set(requestId, (p) => {
        timer.cancel();
        this.pings.delete(requestId);
        const rttMs = this.deps.scheduler.now() - t0;
        resolve(p.type === 'nack'
          ? { name: target, result: `nack ${p.reason}`, rttMs, reporter: this.cfg.routerNodes[p.reporter.key] ?? p.reporter.key }
          : { name: target, result: 'ok', rttMs });
      });
      this.host.core.originateData({
        type: 'request', name, requester: this.host.core.name, requestId, hopLimit: 32, segIndex: 0, segCount: 1, payload: new Uint8Array(),
      });
    });
  }

  /** One message straight out of one interface (link probes: that link, whatever the FIB says). */
  private sendOn(iface: string, msg: Message): boolean {
    const f = this.host.face(iface);
    if (!f) return false;
    try {
      return f.send(encode(msg));
    } catch {
      this.host.encodeErrors++;
      return false;
    }
  }

  private deliver(p: DataPacket, fromIface: string | undefined): void {
    if (this.scheduling.receive(p, fromIface) || this.spaRelay?.receive(p) || this.service?.receive(p)) return;
    const core = this.host.core;
    if (p.type === 'request' && core.name.isPrefixOf(p.name)) {
      // A request to this router's own name: echo it back (what `ctl ping` uses).
      core.originateData({ ...p, type: 'response', name: p.name, status: 200, hopLimit: 32 });
      return;
    }
    if (p.type !== 'request' && core.name.equals(p.requester)) this.pings.get(p.requestId)?.(p);
    // Pod traffic and the SG's HTTP side come with the service-plane issue.
  }

  private logEvent(e: RouterEvent): void {
    const log = this.deps.log;
    const node = (n: Name) => this.cfg.routerNodes[n.key] ?? n.key;
    switch (e.type) {
      case 'adjacency':
        log.info({ event: 'adjacency', iface: e.iface, neighbor: node(e.neighbor), up: e.up, reason: e.reason, ...hr(log) }, `adjacency ${e.up ? 'up' : 'down'}: ${node(e.neighbor)} on ${e.iface}`);
        break;
      case 'spf':
        (e.fibChanges > 0 ? log.info.bind(log) : log.debug.bind(log))({ event: 'spf', durationMs: Number(e.durationMs.toFixed(3)), waitedMs: e.waitedMs, ...(e.skipped ? { skipped: true } : {}), ...hr(log), routes: e.routes, routers: e.routers, fibChanges: e.fibChanges },
          e.fibChanges > 0 ? `spf run: ${e.fibChanges} fib entries changed` : e.skipped ? 'spf skipped: the change is on none of our shortest paths' : 'spf run: fib unchanged');
        break;
      case 'originate':
        log.info({ event: 'originate', kind: e.kind, seq: e.seq.toString(), lifetimeS: e.lifetimeS, ...hr(log) }, 'lsa originated');
        break;
      case 'lsa-drop': {
        const f = e.reason === 'older sequence number' ? log.debug.bind(log) : log.warn.bind(log);
        f({ event: 'lsa-drop', reason: e.reason, iface: e.iface, origin: e.origin.key, kind: e.kind, seq: e.seq.toString() }, `lsa dropped: ${e.reason}`);
        break;
      }
      case 'lsa-rx':
        if (log.isLevelEnabled('debug')) log.debug({ event: 'lsa-rx', iface: e.iface, origin: node(e.origin), kind: e.kind, seq: e.seq.toString(), ...hr(log) }, 'lsa received');
        break;
      case 'data-drop':
        log.debug({ event: 'data-drop', reason: e.reason, name: e.name.key, iface: e.iface }, `packet dropped: ${e.reason}`);
    }
  }
}
