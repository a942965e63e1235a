/**
 * The SG's service plane, data side: its HTTP proxy for the pod, the transport that carries
 * requests and responses as name-tagged segments through the router's FIB, and the calls into
 * its own pod's instances. Traffic for its own pod never leaves the SG.
 */
import { randomBytes } from 'node:crypto';
import type { Scheduler } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { decodeHttpRequest, decodeHttpResponse, encodeHttpRequest, encodeHttpResponse, type HttpRequestParts } from '../../service/http-message.js';
import type { Target } from '../../service/target.js';
import { Transport, TransportError, type IncomingRequest } from '../../service/transport/index.js';
import type { Logger } from '../../util/log.js';
import type { Name } from '../../wire/name.js';
import { PROXY_PORT, type NodeConfig } from '../config.js';
import { GrantChecker } from '../../service/grant.js';
import { grantVerdict, infraPrefixesOf } from '../grant-filter.js';
import { errorAnswer, PodClient, type HttpAnswer } from './pod-client.js';
import { ProxyServer } from './proxy.js';
import { SgScheduling } from './sg-scheduling.js';
import { gatewayProbe, trustedPolicyVerifier } from './sg-probe.js';
import { serveMetrics } from './metrics-server.js';
import type { Server } from 'node:http';

export interface ServiceGatewayOptions {
  /** Open the HTTP proxy (false: transport and serving only). */
  listen: boolean;
  /** Where the proxy listens (default every address, port 3128; the pod link is the SG's only IP link). */
  listenHost?: string;
  listenPort?: number;
  /** Prometheus endpoint port (the container: 9464); none when undefined. */
  metricsPort?: number;
  /** A request with no complete answer after this is a 504. */
  timeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 30_000;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class ServiceGateway {
  readonly transport: Transport;
  readonly pods: PodClient;
  readonly proxy: ProxyServer;
  /** Measurement, pool choice and local outlier detection (sg-scheduling.ts). */
  readonly scheduling: SgScheduling;
  readonly stats = { proxied: 0, local: 0, remote: 0, served: 0, retried: 0, probes: 0, errors: {} as Record<string, number> };
  private readonly timeoutMs: number;
  /** The same grant check every router applies, to tell a denied service (404) from a partition (502). */
  private readonly grants: GrantChecker;
  private readonly infra: Map<string, string>;
  private metricsServer: Server | undefined;

  constructor(private readonly cfg: NodeConfig, private readonly core: RouterCore, private readonly scheduler: Scheduler, private readonly log: Logger, private readonly o: ServiceGatewayOptions = { listen: false }) {
    this.timeoutMs = o.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.grants = new GrantChecker(cfg.spaKeys ?? {});
    this.infra = infraPrefixesOf(cfg.infraPrefixes);
    this.pods = new PodClient(cfg.gatewayPods ?? [], Math.max(1000, this.timeoutMs - 5000));
    const fabric = cfg.interfaces.filter((i) => i.peerKind === 'damc-sg' || i.peerKind === 'damc-sr');
    this.transport = new Transport({
      self: core.name, scheduler, mtu: Math.min(...fabric.map((i) => i.mtu), 9000),
      send: (p) => core.originateData(p),
      newRequestId: () => randomBytes(8).readBigUInt64BE(),
      serve: (r) => void this.serveRemote(r),
      onRetransmit: () => { core.counters.dataRetransmitted++; },
      onEvent: (e) => log.warn({ event: e.type }, e.message),
    });
    this.proxy = new ProxyServer((t, req) => this.forward(t, req), log);
    this.scheduling = new SgScheduling(core, scheduler, gatewayProbe(this), trustedPolicyVerifier(cfg), log, cfg.scheduling);
  }

  /** Listens only when the node was given proxy options (the container always is). */
  async start(): Promise<void> {
    this.scheduling.start();
    if (!this.o.listen) return;
    if (this.o.metricsPort !== undefined) this.metricsServer = (await serveMetrics(() => this.scheduling.metrics(), this.o.metricsPort, this.o.listenHost)).server;
    const port = await this.proxy.listen(this.o.listenPort ?? PROXY_PORT, this.o.listenHost);
    this.log.info({ port, instances: this.pods.instances.map((i) => `${i.instance}@${i.address}:${i.port}`) }, `http proxy listening on ${port}`);
  }

  stop(): void {
    this.scheduling.stop();
    this.metricsServer?.close();
    this.proxy.close();
    this.pods.close();
  }

  get port(): number {
    return this.proxy.port;
  }

  /** A data packet the router delivered here; false when it is not the service plane's (a ping). */
  receive(p: DataPacket): boolean {
    if (p.type === 'request' && !p.ack && this.core.name.isPrefixOf(p.name)) return false;
    return this.transport.receive(p);
  }

  /**
   * A pod's request. A pool (/B) goes to the instance the balancer picks (sg-scheduling.ts),
   * once more to another instance when that one fails an idempotent request; an instance
   * spelling (/B/4) goes to that instance. Every exchange is measured.
   */
  async forward(t: Target, req: HttpRequestParts): Promise<HttpAnswer> {
    this.stats.proxied++;
    if (t.instance !== undefined) return this.measured(t.name, () => this.exchange(t.name, true, req));
    const first = this.scheduling.choose(t.name);
    if (!first) return this.exchange(t.name, false, req);
    const a = await this.measured(first, () => this.exchange(first, true, req));
    if (a.status < 500 || !IDEMPOTENT.has(req.method)) return a;
    const second = this.scheduling.choose(t.name, first);
    if (!second) return a;
    this.stats.retried++;
    return this.measured(second, () => this.exchange(second, true, req));
  }

  private async measured(instance: Name, run: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const t0 = this.scheduler.now();
    this.scheduling.inflight.start(instance);
    try {
      const a = await run();
      this.scheduling.record(instance, a.status === 504 ? 'timeout' : a.status >= 500 ? 'error' : 'ok', this.scheduler.now() - t0, 'traffic');
      return a;
    } finally {
      this.scheduling.inflight.finish(instance);
    }
  }

  /** To its own pod when the FIB says local, else across the fabric; `exact`: only that very prefix. */
  async exchange(name: Name, exact: boolean, req: HttpRequestParts, timeoutMs = this.timeoutMs, probe = false): Promise<HttpAnswer> {
    const t = { name };
    const hit = this.core.fib().lpm(t.name);
    // An instance spelling must reach that instance, never fall back to its pool.
    if (!hit || (exact && !hit.prefix.equals(t.name))) return this.unrouted(t.name);
    if (hit.value.local) {
      if (probe) this.stats.probes++;
      else this.stats.local++;
      return this.serveLocal(t.name, req);
    }
    if (probe) this.stats.probes++;
    else this.stats.remote++;
    try {
      const r = await this.transport.request(t.name, encodeHttpRequest(req), timeoutMs);
      const parts = decodeHttpResponse(r.body);
      const by = r.responder ? this.cfg.routerNodes[r.responder.key] ?? r.responder.toString() : '?';
      const has = parts.headers.some(([k]) => k.toLowerCase() === 'x-damc-gateway');
      return { status: r.status, headers: has ? parts.headers : [...parts.headers, ['x-damc-gateway', by]], body: parts.body };
    } catch (e) {
      if (e instanceof TransportError) {
        const status = e.code === 'no-route' ? 502 : e.code === 'rejected' ? 404 : e.code === 'too-large' ? 413 : 504;
        return this.error(status, e.message, e.code);
      }
      return this.error(502, `answer from ${t.name.toString()} is unreadable: ${(e as Error).message}`, 'malformed');
    }
  }

  /**
   * No FIB entry: a name no gateway advertises, or advertises only without a valid SPA grant
   * (a denied service: every router ignores it), is unknown or denied, 404 with the reason; one
   * that is advertised with a grant but not reachable from here (a partition) has no route, 502.
   */
  private unrouted(name: Name): HttpAnswer {
    const now = this.scheduler.now();
    const ads = this.core.lsdb.all()
      .filter((e) => e.lsa.kind === 'prefix' && e.lsa.lifetimeS > 0)
      .flatMap((e) => e.lsa.kind === 'prefix' ? e.lsa.prefixes.filter((p) => p.prefix.equals(name)).map((p) => ({ origin: e.lsa.origin, p })) : [])
      .map(({ origin, p }) => ({
        node: this.cfg.routerNodes[origin.key] ?? origin.toString(),
        verdict: grantVerdict(this.grants, this.infra, p, origin, now),
      }));
    if (ads.length === 0) return this.error(404, `unknown service ${name.toString()}: no gateway advertises it`, 'unknown-service');
    const granted = ads.filter((a) => a.verdict === 'ok');
    if (granted.length === 0) {
      return this.error(404, `denied service ${name.toString()}: advertised without a valid SPA grant (${ads.map((a) => `${a.node}: ${a.verdict}`).join(', ')}), so every router ignores it`, 'unknown-service');
    }
    return this.error(502, `no route to ${name.toString()} (advertised by ${granted.map((a) => a.node).join(', ')}, unreachable from ${this.cfg.node})`, 'no-route');
  }

  /** A local instance's health path from the node config ("B/4" -> "/healthz"). */
  healthPath(instance: string): string | undefined {
    for (const p of this.cfg.gatewayPods ?? []) for (const i of p.instances) if (i.instance === instance) return i.health;
    return undefined;
  }

  private async serveLocal(name: Name, req: HttpRequestParts): Promise<HttpAnswer> {
    const to = this.pods.pick(name);
    if (typeof to === 'string') return this.error(404, `${to} (${this.cfg.node})`, 'unknown-service');
    const a = await this.pods.call(to, req);
    return { ...a, headers: [...a.headers, ['x-damc-gateway', this.cfg.node], ['x-damc-instance-served', to.instance]] };
  }

  private async serveRemote(r: IncomingRequest): Promise<void> {
    this.stats.served++;
    let a: HttpAnswer;
    try {
      a = await this.serveLocal(r.name, decodeHttpRequest(r.body));
    } catch (e) {
      a = this.error(400, `request for ${r.name.toString()} is unreadable: ${(e as Error).message}`, 'malformed');
    }
    r.reply(a.status, encodeHttpResponse({ headers: a.headers, body: a.body }));
  }

  private error(status: number, message: string, kind: string): HttpAnswer {
    this.stats.errors[kind] = (this.stats.errors[kind] ?? 0) + 1;
    return errorAnswer(status, message, [['x-damc-gateway', this.cfg.node]]);
  }
}
