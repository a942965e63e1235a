/**
 * One SG's end of the name-tagged data plane: it sends requests (client side) and answers
 * requests for its pods (serving side), each body segmented to the MTU and carried reliably.
 *
 * Client: request segments go to the name; the serving SG acks them with responses that carry
 * only an ack; its first response segment also means "request received". Response segments
 * carry the responder's name; the client acks them with requests to that name. Finished
 * exchanges linger a while so late duplicates are acked again rather than served twice.
 * Pure: packets in through `receive`, out through `send`, time from the injected scheduler.
 */
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import { maxDataPayload } from '../../wire/hop-limit.js';
import type { DataRequest, DataResponse, SegmentAck } from '../../wire/messages.js';
import type { Name } from '../../wire/name.js';
import { DEFAULT_ACK, SegmentReceiver, type AckPolicy } from './receiver.js';
import { DEFAULT_RTT, RttEstimator, type RttParameters } from './rtt-estimator.js';
import { Lingering } from './lingering.js';
import { nameTlvSize, split } from './segments.js';
import { DEFAULT_SENDER, SegmentSender, type SegmentLostError, type SenderParameters } from './sender.js';

export interface TransportParameters {
  rtt: RttParameters;
  sender: SenderParameters;
  ack: AckPolicy;
  /** Largest body accepted in either direction. */
  maxBodyBytes: number;
  hopLimit: number;
  /** How long a finished exchange is remembered (duplicates acked, not served again). */
  lingerMs: number;
  /** A serving exchange whose request stops arriving is dropped after this. */
  idleMs: number;
}

export const DEFAULT_TRANSPORT: TransportParameters = {
  rtt: DEFAULT_RTT, sender: DEFAULT_SENDER, ack: DEFAULT_ACK,
  maxBodyBytes: 16 * 1024 * 1024, hopLimit: 32, lingerMs: 10_000, idleMs: 30_000,
};

export type TransportErrorCode = 'no-route' | 'hop-limit' | 'timeout' | 'lost' | 'too-large' | 'rejected' | 'unreachable';

export class TransportError extends Error {
  constructor(readonly code: TransportErrorCode, message: string) {
    super(message);
  }
}

export interface IncomingRequest {
  name: Name;
  requester: Name;
  requestId: bigint;
  body: Uint8Array;
  reply(status: number, body: Uint8Array): void;
}

export interface ExchangeResult {
  status: number;
  body: Uint8Array;
  responder: Name | undefined;
}

export interface TransportEvent {
  type: 'serve-failed' | 'malformed';
  message: string;
}

export interface TransportDeps {
  self: Name;
  scheduler: Scheduler;
  send(p: DataRequest | DataResponse): void;
  /** Ethernet payload bytes a frame may carry on the fabric. */
  mtu: number;
  newRequestId(): bigint;
  /** Serving side: a request body is complete. Absent: requests are not taken. */
  serve?(req: IncomingRequest): void;
  onRetransmit?(): void;
  onEvent?(e: TransportEvent): void;
  params?: Partial<TransportParameters>;
}

interface ClientExchange {
  name: Name;
  id: bigint;
  sender: SegmentSender;
  rx: SegmentReceiver | undefined;
  status: number;
  responder: Name | undefined;
  timer: Timer;
  resolve(r: ExchangeResult): void;
  reject(e: TransportError): void;
}

interface ServerExchange {
  name: Name;
  requester: Name;
  id: bigint;
  rx: SegmentReceiver;
  served: boolean;
  sender: SegmentSender | undefined;
  idle: Timer;
}

export class Transport {
  private readonly p: TransportParameters;
  private readonly clients = new Map<bigint, ClientExchange>();
  private readonly servers = new Map<string, ServerExchange>();
  private readonly lingering: Lingering;
  private readonly rtts = new Map<string, RttEstimator>();
  readonly stats = { requests: 0, served: 0, failed: 0, retransmissions: 0 };

  constructor(private readonly d: TransportDeps) {
    this.p = { ...DEFAULT_TRANSPORT, ...d.params };
    this.lingering = new Lingering(d.scheduler, this.p.lingerMs);
  }

  get active(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  /** Sends a request body to a name and resolves with the whole response. */
  request(name: Name, body: Uint8Array, timeoutMs: number): Promise<ExchangeResult> {
    if (body.length > this.p.maxBodyBytes) {
      return Promise.reject(new TransportError('too-large', `request body of ${body.length} bytes is over the ${this.p.maxBodyBytes}-byte limit`));
    }
    this.stats.requests++;
    const id = this.d.newRequestId();
    const segs = split(body, this.segmentSize(name, this.d.self, false));
    return new Promise<ExchangeResult>((resolve, reject) => {
      const ex: ClientExchange = {
        name, id, rx: undefined, status: 0, responder: undefined,
        timer: this.d.scheduler.after(timeoutMs, () => this.failClient(ex, new TransportError('timeout', `no answer from ${name.toString()} within ${timeoutMs} ms`))),
        resolve, reject,
        sender: new SegmentSender(segs.length, this.d.scheduler, this.rttFor(`to ${name.key}`), {
          transmit: (i, retx) => {
            if (retx) this.retransmitted();
            this.d.send({ type: 'request', name, requester: this.d.self, requestId: id, hopLimit: this.p.hopLimit, segIndex: i, segCount: segs.length, payload: segs[i]! });
          },
          done: () => {},
          failed: (e: SegmentLostError) => this.failClient(ex, new TransportError('lost', `request to ${name.toString()}: ${e.message}`)),
        }, this.p.sender),
      };
      this.clients.set(id, ex);
      ex.sender.start();
    });
  }

  /** Takes a packet delivered to this SG; false when it belongs to someone else (a ping, say). */
  receive(p: DataPacket): boolean {
    if (p.type === 'nack') return this.onNack(p.requestId, p.reason, p.name, p.requester);
    if (p.type === 'response') return p.requester.equals(this.d.self) ? this.onResponse(p) : false;
    return p.ack ? this.onResponseAck(p, p.ack) : this.onRequest(p);
  }

  // ---------- client side ----------

  private onNack(id: bigint, reason: string, name: Name, requester: Name): boolean {
    if (!requester.equals(this.d.self)) return false;
    const ex = this.clients.get(id);
    if (!ex) return this.lingering.has(`c${id}`);
    const code: TransportErrorCode = reason === 'no-route' ? 'no-route' : reason === 'hop-limit' ? 'hop-limit' : reason === 'rejected' ? 'rejected' : 'unreachable';
    const what = code === 'no-route' ? `no route to ${name.toString()}` : code === 'hop-limit' ? `hop limit spent on the way to ${name.toString()}` : `${name.toString()}: ${reason}`;
    this.failClient(ex, new TransportError(code, what));
    return true;
  }

  private onResponse(p: DataResponse): boolean {
    const ex = this.clients.get(p.requestId);
    if (!ex) {
      if (!this.lingering.has(`c${p.requestId}`)) return false;
      // Our final ack was lost: the responder is still sending. Tell it we hold everything.
      if (!p.ack && p.responder) this.sendResponseAck(p.responder, p, { below: p.segCount, bits: new Uint8Array() });
      return true;
    }
    if (p.ack) {
      ex.sender.onAck(p.ack);
      return true;
    }
    if (!this.validSegment(p)) return true;
    // The answer has begun, so the whole request arrived.
    if (!ex.sender.isDone) ex.sender.allAcked();
    if (!ex.rx) {
      const responder = p.responder;
      ex.status = p.status;
      ex.responder = responder;
      ex.rx = new SegmentReceiver(p.segCount, this.p.maxBodyBytes, this.d.scheduler, (a) => {
        if (responder) this.sendResponseAck(responder, p, a);
      }, this.p.ack);
    }
    if (p.segCount !== ex.rx.parts.count) return this.malformed(`response ${p.requestId}: segment count ${p.segCount}, was ${ex.rx.parts.count}`);
    if (ex.rx.push(p.segIndex, p.payload) === 'too-large') {
      this.failClient(ex, new TransportError('too-large', `response from ${p.name.toString()} is over the ${this.p.maxBodyBytes}-byte limit`));
      return true;
    }
    if (ex.rx.parts.complete) {
      this.endClient(ex);
      ex.resolve({ status: ex.status, body: ex.rx.parts.body(), responder: ex.responder });
    }
    return true;
  }

  private sendResponseAck(responder: Name, p: DataResponse, ack: SegmentAck): void {
    this.d.send({ type: 'request', name: responder, requester: this.d.self, requestId: p.requestId, hopLimit: this.p.hopLimit, segIndex: 0, segCount: 1, payload: new Uint8Array(), ack });
  }

  private failClient(ex: ClientExchange, e: TransportError): void {
    if (this.clients.get(ex.id) !== ex) return;
    this.stats.failed++;
    this.endClient(ex);
    ex.reject(e);
  }

  private endClient(ex: ClientExchange): void {
    this.clients.delete(ex.id);
    ex.timer.cancel();
    ex.sender.cancel();
    ex.rx?.cancel();
    this.lingering.add(`c${ex.id}`);
  }

  // ---------- serving side ----------

  private onRequest(p: DataRequest): boolean {
    if (!this.d.serve) return false;
    const key = `s${p.requester.key}#${p.requestId}`;
    let ex = this.servers.get(key);
    if (!ex) {
      if (this.lingering.has(key)) {
        this.sendRequestAck(p.name, p.requester, p.requestId, { below: p.segCount, bits: new Uint8Array() });
        return true;
      }
      if (!this.validSegment(p)) return true;
      const name = p.name, requester = p.requester, id = p.requestId;
      const created: ServerExchange = {
        name, requester, id, served: false, sender: undefined,
        rx: new SegmentReceiver(p.segCount, this.p.maxBodyBytes, this.d.scheduler, (a) => this.sendRequestAck(name, requester, id, a), this.p.ack, true),
        idle: this.d.scheduler.after(this.p.idleMs, () => this.endServer(key, created)),
      };
      ex = created;
      this.servers.set(key, ex);
    }
    if (ex.served) {
      // Request already whole (the answer is being computed or sent): re-ack it.
      if (!ex.sender) this.sendRequestAck(p.name, p.requester, p.requestId, { below: ex.rx.parts.count, bits: new Uint8Array() });
      return true;
    }
    if (!this.validSegment(p) || p.segCount !== ex.rx.parts.count) return this.malformed(`request ${p.requestId}: bad segment ${p.segIndex}/${p.segCount}`);
    if (ex.rx.push(p.segIndex, p.payload) === 'too-large') {
      this.endServer(key, ex);
      this.reply(key, ex, 413, new TextEncoder().encode(`request body over the ${this.p.maxBodyBytes}-byte limit\n`));
      return true;
    }
    if (ex.rx.parts.complete) {
      ex.served = true;
      this.stats.served++;
      const body = ex.rx.parts.body();
      const serving = ex;
      this.d.serve({ name: ex.name, requester: ex.requester, requestId: ex.id, body, reply: (status, b) => this.reply(key, serving, status, b) });
    }
    return true;
  }

  private onResponseAck(p: DataRequest, ack: SegmentAck): boolean {
    const key = `s${p.requester.key}#${p.requestId}`;
    const ex = this.servers.get(key);
    if (ex?.sender) ex.sender.onAck(ack);
    return ex !== undefined || this.lingering.has(key);
  }

  private reply(key: string, ex: ServerExchange, status: number, body: Uint8Array): void {
    if (body.length > this.p.maxBodyBytes) {
      status = 502;
      body = new TextEncoder().encode(`response body of ${body.length} bytes is over the ${this.p.maxBodyBytes}-byte limit\n`);
    }
    ex.rx.cancel(); // the answer acknowledges the request: no separate ack needed now
    const segs = split(body, this.segmentSize(ex.name, ex.requester, true));
    const sender = new SegmentSender(segs.length, this.d.scheduler, this.rttFor(`to ${ex.requester.key}`), {
      transmit: (i, retx) => {
        if (retx) this.retransmitted();
        ex.idle.cancel();
        this.d.send({
          type: 'response', name: ex.name, requester: ex.requester, requestId: ex.id, hopLimit: this.p.hopLimit,
          segIndex: i, segCount: segs.length, status, payload: segs[i]!, responder: this.d.self,
        });
      },
      done: () => this.endServer(key, ex),
      failed: (e) => {
        this.endServer(key, ex);
        this.d.onEvent?.({ type: 'serve-failed', message: `response to ${ex.requester.toString()} for ${ex.name.toString()}: ${e.message}` });
      },
    }, this.p.sender);
    ex.sender = sender;
    if (!this.servers.has(key)) this.servers.set(key, ex);
    sender.start();
  }

  private sendRequestAck(name: Name, requester: Name, id: bigint, ack: SegmentAck): void {
    this.d.send({ type: 'response', name, requester, requestId: id, hopLimit: this.p.hopLimit, segIndex: 0, segCount: 1, status: 0, payload: new Uint8Array(), responder: this.d.self, ack });
  }

  private endServer(key: string, ex: ServerExchange): void {
    if (this.servers.get(key) !== ex) return;
    this.servers.delete(key);
    ex.idle.cancel();
    ex.rx.cancel();
    ex.sender?.cancel();
    this.lingering.add(key);
  }

  // ---------- shared ----------

  private validSegment(p: DataRequest | DataResponse): boolean {
    if (p.segCount >= 1 && p.segIndex < p.segCount && p.segCount <= this.p.maxBodyBytes) return true;
    this.malformed(`${p.type} ${p.requestId}: segment ${p.segIndex} of ${p.segCount}`);
    return false;
  }

  private malformed(message: string): boolean {
    this.d.onEvent?.({ type: 'malformed', message });
    return true;
  }

  private retransmitted(): void {
    this.stats.retransmissions++;
    this.d.onRetransmit?.();
  }

  private rttFor(peer: string): RttEstimator {
    let r = this.rtts.get(peer);
    if (!r) {
      if (this.rtts.size >= 1024) this.rtts.clear();
      r = new RttEstimator(this.p.rtt);
      this.rtts.set(peer, r);
    }
    return r;
  }

  /** Payload bytes per segment: what the MTU leaves after the names (and a response's responder). */
  segmentSize(name: Name, requester: Name, response: boolean): number {
    const size = maxDataPayload(name, requester, this.d.mtu) - (response ? nameTlvSize(this.d.self) : 0);
    if (size < 1) throw new TransportError('too-large', `names too long for a ${this.d.mtu}-byte MTU: ${name.toString()}`);
    return size;
  }
}
