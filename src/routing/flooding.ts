/**
 * Reliable flooding over the two-way adjacencies: received LSAs (verified, installed, flooded on,
 * acked), database summaries and requests when an adjacency comes up, retransmissions of what is
 * not yet acked, and the LSDB's aging. Our own LSAs that come back are answered by origination.
 */
import { bytesEqual, lsaBody, type Lsa, type LsaHeader, type LsaKind, type Name } from '../wire/index.js';
import { Adjacency, SUMMARY_TRIES } from './adjacency.js';
import { CHUNK, type RouterContext } from './context.js';
import { headerOf, lsaKey } from './lsdb.js';

/**
 * What origination makes of a copy of our own LSA: it originated anew (the new LSA is flooded
 * to everyone), ours is newer (send it back to the sender), or the copy is current (it acks ours).
 */
export type OwnCopyAnswer = 'reoriginated' | 'current' | { readonly resend: Lsa };

export interface FloodingHooks {
  /** `alive`: the copy has lifetime left (neither lifetime nor remaining lifetime 0). */
  ownCopy(lsa: Lsa, alive: boolean): OwnCopyAnswer;
  /** The LSDB changed: routes need computing again. */
  changed(now: number): void;
}

type DropCounter = 'lsaDropUnsigned' | 'lsaDropBadSignature' | 'lsaDropUnknownOrigin' | 'lsaDropOlder';

export class Flooding {
  private readonly adjs = new Map<string, Adjacency>();
  private readonly pendingAcks = new Map<string, { due: number; acks: LsaHeader[] }>();
  /** No LSA expires before this (a lower bound: refreshes only push expiry later). */
  private nextLsaExpiry = Infinity;

  constructor(private readonly c: RouterContext, private readonly hooks: FloodingHooks) {}

  // ---------- adjacencies ----------

  adjacencyUp(iface: string, router: Name): Adjacency {
    const a = new Adjacency(iface, router);
    this.adjs.set(`${iface} ${router.key}`, a);
    return a;
  }

  adjacencyDown(iface: string, router: Name): void {
    this.adjs.delete(`${iface} ${router.key}`);
  }

  sendSummary(a: Adjacency): void {
    a.summarySent++;
    a.summaryAt = this.c.now();
    const hs = this.c.lsdb.headers();
    for (let i = 0; i === 0 || i < hs.length; i += CHUNK) {
      this.c.send(a.iface, { type: 'db-summary', headers: hs.slice(i, i + CHUNK), last: i + CHUNK >= hs.length });
    }
  }

  private adjsOn(iface: string): Adjacency[] {
    const out: Adjacency[] = [];
    for (const a of this.adjs.values()) if (a.iface === iface) out.push(a);
    return out;
  }

  // ---------- input ----------

  /** `remainingS`: the lifetime the sender's copy had left (absent: the whole lifetime). */
  onLsa(iface: string, lsa: Lsa, remainingS?: number): void {
    const c = this.c.counters;
    c.lsaRx++;
    const drop = (reason: string, counter: DropCounter) => {
      c[counter]++;
      this.c.event({ type: 'lsa-drop', reason, iface, origin: lsa.origin, kind: lsa.kind, seq: lsa.seq });
    };
    if (lsa.signature.length === 0) return drop('unsigned', 'lsaDropUnsigned');
    if (this.sameAsHeld(lsa)) c.lsaSameBytes++; // verified when it came first: skip the 60-80 us
    else {
      const v = this.c.crypto.verify(lsa);
      if (v === 'unknown-origin') return drop('unknown origin', 'lsaDropUnknownOrigin');
      if (v !== 'ok') return drop('bad signature', 'lsaDropBadSignature');
    }
    const from = this.adjsOn(iface);
    const h = headerOf(lsa);
    for (const a of from) a.received(h);

    if (lsa.origin.equals(this.c.name)) {
      // Our own LSA, from a past life or a stale copy: never let it beat what we originate now.
      this.ack(iface, h);
      const answer = this.hooks.ownCopy(lsa, Math.min(lsa.lifetimeS, remainingS ?? Infinity) > 0);
      if (answer === 'current') for (const a of from) a.acked(h);
      else if (answer !== 'reoriginated') for (const a of from) this.sendReliably(a, answer.resend);
      return;
    }

    const now = this.c.now();
    const r = this.c.lsdb.install(lsa, now, false, remainingS);
    switch (r.kind) {
      case 'new':
      case 'flushed':
        if (r.kind === 'new') {
          c.lsaNew++;
          this.nextLsaExpiry = Math.min(this.nextLsaExpiry, this.c.lsdb.get(lsa.kind, lsa.origin, lsa.part)?.expiresAt ?? now);
        } else c.lsaFlushed++;
        this.ack(iface, h);
        for (const a of from) a.acked(h);
        this.flood(lsa, iface);
        this.c.event({ type: 'lsa-rx', iface, origin: lsa.origin, kind: lsa.kind, seq: lsa.seq });
        // SPF runs from tick(), i.e. after the flood has left: a hop's SPF must not delay the next hop.
        this.hooks.changed(now);
        return;
      case 'duplicate': {
        c.lsaDuplicate++;
        // An implied ack (OSPF's rule): we sent the neighbor this very LSA and wait for its ack,
        // so its copy acks ours, and ours (or our retransmission) acks its copy. In a mesh most
        // copies cross like this; an explicit ack for each would be one more frame and one more
        // wakeup per copy while the flood is still spreading.
        let implied = false;
        for (const a of from) implied = a.acked(h) || implied;
        if (!implied) this.ack(iface, h);
        return;
      }
      case 'older':
        // Answered with what we hold, or with the last copy of a flushed or expired LSA (as a
        // flush): a neighbor that missed the flush learns it instead of offering its copy forever.
        drop('older sequence number', 'lsaDropOlder');
        if (r.current) {
          c.lsaAnsweredOlder++;
          for (const a of from) this.sendReliably(a, r.current);
        }
    }
  }

  /** Byte-identical (body and signature) to the copy we hold, which was verified when it came. */
  private sameAsHeld(lsa: Lsa): boolean {
    const held = this.c.lsdb.get(lsa.kind, lsa.origin, lsa.part)?.lsa;
    return held !== undefined && held !== lsa && held.seq === lsa.seq
      && bytesEqual(held.signature, lsa.signature) && bytesEqual(lsaBody(held), lsaBody(lsa));
  }

  onAck(iface: string, acks: readonly LsaHeader[]): void {
    this.c.counters.ackRx++;
    for (const a of this.adjsOn(iface)) for (const h of acks) a.acked(h);
  }

  onRequest(iface: string, wanted: readonly { readonly kind: LsaKind; readonly origin: Name; readonly part?: number }[]): void {
    this.c.counters.requestRx++;
    for (const a of this.adjsOn(iface)) {
      for (const w of wanted) {
        const e = this.c.lsdb.get(w.kind, w.origin, w.part);
        if (e) this.sendReliably(a, e.lsa);
      }
    }
  }

  onSummary(iface: string, headers: readonly LsaHeader[], last: boolean): void {
    this.c.counters.summaryRx++;
    const now = this.c.now();
    const lsdb = this.c.lsdb;
    for (const a of this.adjsOn(iface)) {
      for (const h of headers) {
        const k = lsaKey(h.kind, h.origin, h.part);
        a.summarySeen.add(k);
        const cur = lsdb.get(h.kind, h.origin, h.part)?.lsa;
        const hi = lsdb.highestSeq(h.kind, h.origin, h.part);
        if (cur ? h.seq > cur.seq : hi === undefined || h.seq > hi) {
          a.wanted.set(k, { kind: h.kind, origin: h.origin, ...(h.part ? { part: h.part } : {}), seq: h.seq, askedAt: -Infinity });
        } else if (cur) {
          if (cur.seq > h.seq) this.sendReliably(a, cur);
        } else {
          // We flushed it or it expired here, the neighbor still holds a copy: tell it.
          const last = lsdb.lastGone(h.kind, h.origin, h.part);
          if (last && last.seq >= h.seq) this.sendReliably(a, last);
        }
      }
      if (last) {
        // Push what the neighbor lacks; its requests would fetch it too, this saves a round trip.
        for (const e of lsdb.all()) if (!a.summarySeen.has(lsaKey(e.lsa.kind, e.lsa.origin, e.lsa.part))) this.sendReliably(a, e.lsa);
        a.summarySeen.clear();
        a.gotSummary = true;
      }
      this.sendRequests(a, a.dueRequests(now, 0));
    }
  }

  // ---------- output ----------

  flood(lsa: Lsa, exceptIface?: string): void {
    for (const a of this.adjs.values()) if (a.iface !== exceptIface) this.sendReliably(a, lsa);
  }

  private sendReliably(a: Adjacency, lsa: Lsa): void {
    a.sent(lsa, this.c.now());
    this.send(a.iface, lsa);
  }

  /** An LSA goes with the lifetime our copy has left, so it ages across the network. */
  private send(iface: string, lsa: Lsa): void {
    const remainingS = this.c.lsdb.remainingS(lsa, this.c.now());
    this.c.send(iface, remainingS === undefined ? { type: 'lsa', lsa } : { type: 'lsa', lsa, remainingS });
  }

  private sendRequests(a: Adjacency, wanted: readonly { kind: LsaKind; origin: Name; part?: number }[]): void {
    for (let i = 0; i < wanted.length; i += CHUNK) this.c.send(a.iface, { type: 'lsa-request', wanted: wanted.slice(i, i + CHUNK) });
  }

  /** Acks wait ackDelayMs (0: until the driver's next tick, the end of this turn) to share one frame with the others of a burst. */
  private ack(iface: string, h: LsaHeader): void {
    let p = this.pendingAcks.get(iface);
    if (!p) this.pendingAcks.set(iface, (p = { due: this.c.now() + this.c.timers.ackDelayMs, acks: [] }));
    p.acks.push(h);
    if (p.acks.length >= CHUNK) this.flushAcks(this.c.now(), iface);
  }

  /** Sends the acks due by `now` (Infinity: all of them), or only those of one interface. */
  flushAcks(now: number, only?: string): void {
    for (const [iface, p] of this.pendingAcks) {
      if ((only !== undefined && iface !== only) || (only === undefined && p.due > now)) continue;
      this.pendingAcks.delete(iface);
      this.c.send(iface, { type: 'lsa-ack', acks: p.acks });
    }
  }

  // ---------- time ----------

  /** Retransmits unacked LSAs, repeats unanswered requests and summaries. */
  retransmit(now: number): void {
    const rx = this.c.timers.rxmtIntervalMs;
    for (const a of this.adjs.values()) {
      for (const lsa of a.dueRetransmits(now, rx)) {
        this.c.counters.lsaRetransmits++;
        this.send(a.iface, lsa);
      }
      this.sendRequests(a, a.dueRequests(now, rx));
      if (!a.gotSummary && a.summarySent < SUMMARY_TRIES && now - a.summaryAt >= rx) this.sendSummary(a);
    }
  }

  /** Drops the LSAs whose lifetime ran out. */
  age(now: number): void {
    if (now < this.nextLsaExpiry) return;
    const gone = this.c.lsdb.expire(now);
    this.nextLsaExpiry = this.c.lsdb.all().reduce((m, e) => Math.min(m, e.expiresAt), Infinity);
    if (gone.length > 0) {
      this.c.counters.lsaExpired += gone.length;
      this.hooks.changed(now);
    }
  }

  /** The next retransmission, request, summary, ack or expiry (absolute ms). */
  nextDue(): number {
    const rx = this.c.timers.rxmtIntervalMs;
    let t = this.nextLsaExpiry;
    for (const p of this.pendingAcks.values()) t = Math.min(t, p.due);
    for (const a of this.adjs.values()) {
      t = Math.min(t, a.nextDue(rx));
      if (!a.gotSummary && a.summarySent < SUMMARY_TRIES) t = Math.min(t, a.summaryAt + rx);
    }
    return t;
  }
}
