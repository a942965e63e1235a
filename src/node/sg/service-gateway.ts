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
import { errorAnswer, PodClient, type HttpAnswer } from './pod-client.js';
import { ProxyServer } from './proxy.js';

export interface ServiceGatewayOptions {
  /** Open the HTTP proxy (false: transport and serving only). */
  listen: boolean;
  /** Where the proxy listens (default every address, port 3128; the pod link is the SG's only IP link). */
  listenHost?: string;
  listenPort?: number;
  /** A request with no complete answer after this is a 504. */
  timeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 30_000;

export class ServiceGateway {
  readonly transport: Transport;
  readonly pods: PodClient;
  readonly proxy: ProxyServer;
  readonly stats = { proxied: 0, local: 0, remote: 0, served: 0, errors: {} as Record<string, number> };
  private readonly timeoutMs: number;

  constructor(private readonly cfg: NodeConfig, private readonly core: RouterCore, scheduler: Scheduler, private readonly log: Logger, private readonly o: ServiceGatewayOptions = { listen: false }) {
    this.timeoutMs = o.timeoutMs ?? REQUEST_TIMEOUT_MS;
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
  }

  /** Listens only when the node was given proxy options (the container always is). */
  async start(): Promise<void> {
    if (!this.o.listen) return;
    const port = await this.proxy.listen(this.o.listenPort ?? PROXY_PORT, this.o.listenHost);
    this.log.info({ port, instances: this.pods.instances.map((i) => `${i.instance}@${i.address}:${i.port}`) }, `http proxy listening on ${port}`);
  }

  stop(): void {
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

  /** A pod's request: to its own pod when the FIB says local, else across the fabric. */
  async forward(t: Target, req: HttpRequestParts): Promise<HttpAnswer> {
    this.stats.proxied++;
    const hit = this.core.fib().lpm(t.name);
    // An instance spelling must reach that instance, never fall back to its pool.
    if (!hit || (t.instance !== undefined && !hit.prefix.equals(t.name))) return this.unrouted(t.name);
    if (hit.value.local) {
      this.stats.local++;
      return this.serveLocal(t.name, req);
    }
    this.stats.remote++;
    try {
      const r = await this.transport.request(t.name, encodeHttpRequest(req), this.timeoutMs);
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
   * No FIB entry: a name no gateway advertises is an unknown (or denied) service, 404; one that
   * is advertised but not reachable from here (a partition) has no route, 502.
   */
  private unrouted(name: Name): HttpAnswer {
    const origins = this.core.lsdb.all()
      .filter((e) => e.lsa.kind === 'prefix' && e.lsa.lifetimeS > 0 && e.lsa.prefixes.some((p) => p.prefix.equals(name)))
      .map((e) => this.cfg.routerNodes[e.lsa.origin.key] ?? e.lsa.origin.toString());
    if (origins.length === 0) return this.error(404, `unknown service ${name.toString()}: no gateway advertises it`, 'unknown-service');
    return this.error(502, `no route to ${name.toString()} (advertised by ${origins.join(', ')}, unreachable from ${this.cfg.node})`, 'no-route');
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
