/**
 * One SG/SR router's control plane and forwarding decision, with no I/O of its own: frames come
 * in through `receive`, carrier through `linkChange`, time through the injected clock and
 * `tick()`, and everything it sends goes out through the injected `send`.
 */
import type { Hello, Lsa, LsaHeader, LsaKind, Message, PrefixEntry } from '../wire/messages.js';
import { Name } from '../wire/name.js';
import { Adjacency, SUMMARY_TRIES } from './adjacency.js';
import type { Clock } from './clock.js';
import { newCounters, type RouterCounters } from './counters.js';
import { NameTrie } from './fib.js';
import { forwardPacket } from './data-plane.js';
import { buildFib, fibDiff, type DataPacket } from './forwarder.js';
import { headerOf, Lsdb, lsaKey } from './lsdb.js';
import { NeighborTable, type Neighbor, type NeighborChange } from './neighbors.js';
import { SequenceSource, type SeqStore } from './seq.js';
import { runSpf, type LocalLink, type RibEntry } from './spf.js';
import { Throttle } from './throttle.js';
import type { LsaCrypto, RouterEvent, RouterTimers, UnsignedLsa } from './types.js';

export interface RouterCoreOptions {
  readonly name: Name;
  readonly clock: Clock;
  readonly interfaces: readonly { readonly name: string; readonly cost: number }[];
  readonly prefixes?: readonly Name[];
  readonly timers: RouterTimers;
  readonly crypto: LsaCrypto;
  readonly seqStore: SeqStore;
  /** Sends one message out of an interface; false when the face refused it. */
  readonly send: (iface: string, msg: Message) => boolean;
  /** Data packets addressed to this router (its name or its prefixes). */
  readonly deliver?: (p: DataPacket, fromIface: string | undefined) => void;
  readonly onEvent?: (e: RouterEvent) => void;
}

const CHUNK = 24; // headers per summary/request frame: well inside a 1500-byte MTU

export class RouterCore {
  readonly name: Name;
  readonly counters: RouterCounters = newCounters();
  readonly lsdb = new Lsdb();
  private readonly nbrs: NeighborTable;
  private readonly adjs = new Map<string, Adjacency>();
  private readonly ifaces = new Map<string, { cost: number; up: boolean; nextHelloAt: number }>();
  private readonly seq: SequenceSource;
  private readonly spf: Throttle;
  private readonly originThrottle: Record<LsaKind, Throttle>;
  /** Originations waiting for their throttle (true = a flush). */
  private readonly pendingOrigin = new Map<LsaKind, boolean>();
  private readonly pendingAcks = new Map<string, { due: number; acks: LsaHeader[] }>();
  private prefixes: PrefixEntry[];
  private hasPrefixLsa = false;
  private nextRefreshAt = Infinity;
  /** No LSA expires before this (a lower bound: refreshes only push expiry later). */
  private nextLsaExpiry = Infinity;
  private ribEntries: RibEntry[] = [];
  private fibTrie = new NameTrie<RibEntry>();
  private started = false;

  constructor(private readonly o: RouterCoreOptions) {
    this.name = o.name;
    this.nbrs = new NeighborTable(o.name, o.timers.deadIntervalMs);
    for (const i of o.interfaces) this.ifaces.set(i.name, { cost: i.cost, up: true, nextHelloAt: 0 });
    this.seq = new SequenceSource(o.seqStore, () => o.clock.now());
    this.spf = new Throttle(o.timers.spfInitialHoldMs, o.timers.spfMaxHoldMs);
    const lt = () => new Throttle(o.timers.lsaInitialHoldMs, o.timers.lsaMaxHoldMs);
    this.originThrottle = { adjacency: lt(), prefix: lt() };
    this.prefixes = (o.prefixes ?? []).map((prefix) => ({ prefix, cost: 0 }));
  }

  private now(): number {
    return this.o.clock.now();
  }

  /** Originates our LSAs and sends the first Hellos. */
  start(): void {
    this.started = true;
    this.originate('adjacency');
    if (this.prefixes.length > 0) this.originate('prefix');
    this.tick();
  }

  /** Floods lifetime-0 copies of our LSAs so the others forget us now rather than at expiry. */
  shutdown(): void {
    this.originateNow('adjacency', true);
    if (this.hasPrefixLsa || this.pendingOrigin.has('prefix')) this.originateNow('prefix', true);
    this.flushAcks(Infinity);
    this.started = false;
  }

  setPrefixes(prefixes: readonly Name[]): void {
    this.prefixes = prefixes.map((prefix) => ({ prefix, cost: 0 }));
    if (!this.started) return;
    if (this.prefixes.length > 0) this.originate('prefix');
    else if (this.hasPrefixLsa) this.originate('prefix', true);
  }

  // ---------- time ----------

  /**
   * Does whatever is due. `withSpf = false` leaves a due SPF for `runDueSpf()`, so a driver can
   * push the frames this tick queued (a flood) to the kernel first.
   */
  tick(withSpf = true): void {
    if (!this.started) return;
    const now = this.now();
    const t = this.o.timers;
    // When one interface's Hello is due, those due within half an interval go too: after one
    // round all of a router's Hellos leave in one wakeup instead of one per interface (early
    // Hellos are harmless; on 2 cores shared by 50 routers every wakeup costs ~0.3 ms).
    let helloDue = false;
    for (const i of this.ifaces.values()) if (i.up && now >= i.nextHelloAt) helloDue = true;
    if (helloDue) {
      const soon = now + t.helloIntervalMs / 2;
      for (const [name, i] of this.ifaces) if (i.up && soon >= i.nextHelloAt) this.sendHello(name);
    }
    this.neighborChanges(this.nbrs.expire(now));
    for (const a of this.adjs.values()) {
      for (const lsa of a.dueRetransmits(now, t.rxmtIntervalMs)) {
        this.counters.lsaRetransmits++;
        this.o.send(a.iface, { type: 'lsa', lsa });
      }
      const wanted = a.dueRequests(now, t.rxmtIntervalMs);
      for (let i = 0; i < wanted.length; i += CHUNK) this.o.send(a.iface, { type: 'lsa-request', wanted: wanted.slice(i, i + CHUNK) });
      if (!a.gotSummary && a.summarySent < SUMMARY_TRIES && now - a.summaryAt >= t.rxmtIntervalMs) this.sendSummary(a);
    }
    if (now >= this.nextRefreshAt) {
      this.originate('adjacency');
      if (this.prefixes.length > 0) this.originate('prefix');
    }
    this.originateDue(now);
    this.flushAcks(now);
    if (now >= this.nextLsaExpiry) {
      const gone = this.lsdb.expire(now);
      this.nextLsaExpiry = this.lsdb.all().reduce((m, e) => Math.min(m, e.expiresAt), Infinity);
      if (gone.length > 0) {
        this.counters.lsaExpired += gone.length;
        this.spf.request(now);
      }
    }
    if (withSpf) this.runSpfIfDue();
  }

  runDueSpf(): void {
    if (this.started) this.runSpfIfDue();
  }

  /** When tick() next has something to do (absolute ms): drivers sleep until then. */
  nextWakeup(): number {
    if (!this.started) return Infinity;
    const now = this.now();
    const rx = this.o.timers.rxmtIntervalMs;
    let t = Math.min(this.nextRefreshAt, this.nextLsaExpiry, this.nbrs.nextDeadline(), now + this.spf.waitMs(now));
    for (const i of this.ifaces.values()) if (i.up) t = Math.min(t, i.nextHelloAt);
    for (const kind of this.pendingOrigin.keys()) t = Math.min(t, now + this.originThrottle[kind].waitMs(now));
    for (const p of this.pendingAcks.values()) t = Math.min(t, p.due);
    for (const a of this.adjs.values()) {
      t = Math.min(t, a.nextDue(rx));
      if (!a.gotSummary && a.summarySent < SUMMARY_TRIES) t = Math.min(t, a.summaryAt + rx);
    }
    return t;
  }

  /**
   * Carrier change. What it makes due (hellos on up; on down the new LSA is flooded at once,
   * then SPF) is left to the driver's next tick(), so the flood leaves before SPF runs.
   */
  linkChange(iface: string, up: boolean): void {
    const i = this.ifaces.get(iface);
    if (!i || i.up === up) return;
    i.up = up;
    if (up) i.nextHelloAt = 0;
    else this.neighborChanges(this.nbrs.dropInterface(iface, 'carrier down'));
  }

  // ---------- input ----------

  receive(iface: string, msg: Message): void {
    if (!this.started || !this.ifaces.get(iface)?.up) return;
    // Fabric links are point-to-point: any frame on one proves its neighbor alive, so a burst
    // of LSAs that delays a Hello on a busy machine does not kill the adjacency.
    if (msg.type !== 'hello') this.nbrs.heardFrom(iface, this.now());
    switch (msg.type) {
      case 'hello': return this.onHello(iface, msg);
      case 'lsa': return this.onLsa(iface, msg.lsa);
      case 'lsa-ack':
        this.counters.ackRx++;
        for (const a of this.adjsOn(iface)) for (const h of msg.acks) a.acked(h);
        return;
      case 'db-summary': return this.onSummary(iface, msg.headers, msg.last);
      case 'lsa-request':
        this.counters.requestRx++;
        for (const a of this.adjsOn(iface)) {
          for (const w of msg.wanted) {
            const e = this.lsdb.get(w.kind, w.origin);
            if (e) this.sendReliably(a, e.lsa);
          }
        }
        return;
      case 'request': case 'response': case 'nack':
        this.counters.dataRx++;
        return this.forward(msg, iface);
      default:
        this.counters.unexpectedMessages++;
    }
  }

  /** Sends a data packet from this router (an SG's pod traffic, a tool's probe). */
  originateData(p: DataPacket): void {
    this.forward(p, undefined);
  }

  private onHello(iface: string, h: Hello): void {
    this.counters.helloRx++;
    if (h.router.equals(this.name)) return;
    if (!this.o.crypto.knows(h.router)) {
      this.counters.helloUnknownRouter++;
      return;
    }
    const r = this.nbrs.hello(iface, h, this.now());
    if (r.fresh) this.sendHello(iface); // let it see us now rather than a hello interval later
    if (r.change) this.neighborChanges([r.change]);
  }

  private onLsa(iface: string, lsa: Lsa): void {
    const c = this.counters;
    c.lsaRx++;
    const drop = (reason: string, counter: 'lsaDropUnsigned' | 'lsaDropBadSignature' | 'lsaDropUnknownOrigin' | 'lsaDropOlder') => {
      c[counter]++;
      this.o.onEvent?.({ type: 'lsa-drop', reason, iface, origin: lsa.origin, kind: lsa.kind, seq: lsa.seq });
    };
    if (lsa.signature.length === 0) return drop('unsigned', 'lsaDropUnsigned');
    const v = this.o.crypto.verify(lsa);
    if (v === 'unknown-origin') return drop('unknown origin', 'lsaDropUnknownOrigin');
    if (v !== 'ok') return drop('bad signature', 'lsaDropBadSignature');
    const from = this.adjsOn(iface);
    const h = headerOf(lsa);
    for (const a of from) a.received(h);

    if (lsa.origin.equals(this.name)) {
      // Our own LSA, from a past life or a stale copy: never let it beat what we originate now.
      this.ack(iface, h);
      const cur = this.lsdb.get(lsa.kind, lsa.origin)?.lsa;
      if (lsa.seq > this.seq.current) {
        c.lsaOwnNewerSeen++;
        this.seq.jumpAbove(lsa.seq);
        this.originate(lsa.kind, lsa.kind === 'prefix' && this.prefixes.length === 0);
      } else if (cur && lsa.seq < cur.seq) {
        for (const a of from) this.sendReliably(a, cur);
      } else if (!cur && lsa.lifetimeS > 0 && this.started) {
        this.originate(lsa.kind, true); // we withdrew it; a stale copy still circulates
      } else {
        for (const a of from) a.acked(h);
      }
      return;
    }

    const r = this.lsdb.install(lsa, this.now());
    if (r.kind === 'new') this.nextLsaExpiry = Math.min(this.nextLsaExpiry, this.now() + lsa.lifetimeS * 1000);
    switch (r.kind) {
      case 'new':
      case 'flushed':
        if (r.kind === 'new') c.lsaNew++;
        else c.lsaFlushed++;
        this.ack(iface, h);
        for (const a of from) a.acked(h);
        this.flood(lsa, iface);
        this.o.onEvent?.({ type: 'lsa-rx', iface, origin: lsa.origin, kind: lsa.kind, seq: lsa.seq });
        // SPF runs from tick(), i.e. after the flood has left: a hop's SPF must not delay the next hop.
        this.spf.request(this.now());
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
        drop('older sequence number', 'lsaDropOlder');
        if (r.current) for (const a of from) this.sendReliably(a, r.current);
    }
  }

  private onSummary(iface: string, headers: readonly LsaHeader[], last: boolean): void {
    this.counters.summaryRx++;
    const now = this.now();
    for (const a of this.adjsOn(iface)) {
      for (const h of headers) {
        const k = lsaKey(h.kind, h.origin);
        a.summarySeen.add(k);
        const cur = this.lsdb.get(h.kind, h.origin)?.lsa;
        const hi = this.lsdb.highestSeq(h.kind, h.origin);
        if (cur ? h.seq > cur.seq : hi === undefined || h.seq > hi) {
          a.wanted.set(k, { kind: h.kind, origin: h.origin, seq: h.seq, askedAt: -Infinity });
        } else if (cur && cur.seq > h.seq) this.sendReliably(a, cur);
      }
      if (last) {
        // Push what the neighbor lacks; its requests would fetch it too, this saves a round trip.
        for (const e of this.lsdb.all()) if (!a.summarySeen.has(lsaKey(e.lsa.kind, e.lsa.origin))) this.sendReliably(a, e.lsa);
        a.summarySeen.clear();
        a.gotSummary = true;
      }
      const wanted = a.dueRequests(now, 0);
      for (let i = 0; i < wanted.length; i += CHUNK) this.o.send(a.iface, { type: 'lsa-request', wanted: wanted.slice(i, i + CHUNK) });
    }
  }

  // ---------- adjacencies and flooding ----------

  private neighborChanges(changes: readonly NeighborChange[]): void {
    if (changes.length === 0) return;
    for (const ch of changes) {
      const n = ch.neighbor;
      const k = `${n.iface} ${n.router.key}`;
      if (ch.up) {
        const a = new Adjacency(n.iface, n.router);
        this.adjs.set(k, a);
        this.sendHello(n.iface);
        this.sendSummary(a);
      } else this.adjs.delete(k);
    }
    // The new LSA first, the report after: a report may be a log write, which wakes the
    // container's log reader and can cost this process the CPU before the flood has left.
    this.originate('adjacency');
    for (const { neighbor: n, up, reason } of changes) this.o.onEvent?.({ type: 'adjacency', iface: n.iface, neighbor: n.router, up, reason });
  }

  private adjsOn(iface: string): Adjacency[] {
    const out: Adjacency[] = [];
    for (const a of this.adjs.values()) if (a.iface === iface) out.push(a);
    return out;
  }

  private sendHello(iface: string): void {
    const i = this.ifaces.get(iface);
    if (!i) return;
    i.nextHelloAt = this.now() + this.o.timers.helloIntervalMs;
    this.counters.helloTx++;
    this.o.send(iface, {
      type: 'hello', router: this.name, iface,
      helloIntervalMs: this.o.timers.helloIntervalMs, deadIntervalMs: this.o.timers.deadIntervalMs,
      neighbors: this.nbrs.heardOn(iface),
    });
  }

  private sendSummary(a: Adjacency): void {
    a.summarySent++;
    a.summaryAt = this.now();
    const hs = this.lsdb.headers();
    for (let i = 0; i === 0 || i < hs.length; i += CHUNK) {
      this.o.send(a.iface, { type: 'db-summary', headers: hs.slice(i, i + CHUNK), last: i + CHUNK >= hs.length });
    }
  }

  /** Acks wait ackDelayMs (0: until the driver's next tick, the end of this turn) to share one frame with the others of a burst. */
  private ack(iface: string, h: LsaHeader): void {
    let p = this.pendingAcks.get(iface);
    if (!p) this.pendingAcks.set(iface, (p = { due: this.now() + this.o.timers.ackDelayMs, acks: [] }));
    p.acks.push(h);
    if (p.acks.length >= CHUNK) this.flushAcks(this.now(), iface);
  }

  private flushAcks(now: number, only?: string): void {
    for (const [iface, p] of this.pendingAcks) {
      if ((only !== undefined && iface !== only) || (only === undefined && p.due > now)) continue;
      this.pendingAcks.delete(iface);
      this.o.send(iface, { type: 'lsa-ack', acks: p.acks });
    }
  }

  private sendReliably(a: Adjacency, lsa: Lsa): void {
    a.sent(lsa, this.now());
    this.o.send(a.iface, { type: 'lsa', lsa });
  }

  private flood(lsa: Lsa, exceptIface?: string): void {
    for (const a of this.adjs.values()) if (a.iface !== exceptIface) this.sendReliably(a, lsa);
  }

  /** Originates through the backoff: at once when quiet, batched while changes keep coming. */
  private originate(kind: LsaKind, flush = false): void {
    const now = this.now();
    this.pendingOrigin.set(kind, flush);
    this.originThrottle[kind].request(now);
    this.originateDue(now);
  }

  private originateDue(now: number): void {
    for (const [kind, flush] of this.pendingOrigin) {
      const th = this.originThrottle[kind];
      if (!th.due(now)) continue;
      th.ran(now);
      this.pendingOrigin.delete(kind);
      // An adjacency LSA reflects the neighbors at the time it goes out, not when it was asked for.
      this.originateNow(kind, flush);
    }
  }

  private originateNow(kind: LsaKind, flush = false): void {
    const t = this.o.timers;
    const base = { origin: this.name, seq: this.seq.next(), lifetimeS: flush ? 0 : t.lsaLifetimeS };
    const unsigned: UnsignedLsa = kind === 'adjacency'
      ? { ...base, kind, neighbors: flush ? [] : this.localLinks().map((l) => ({ neighbor: l.neighbor, cost: l.cost })) }
      : { ...base, kind, prefixes: flush ? [] : this.prefixes };
    const lsa = this.o.crypto.sign(unsigned);
    this.counters.lsaOriginated++;
    if (kind === 'prefix') this.hasPrefixLsa = !flush;
    this.lsdb.install(lsa, this.now(), true);
    this.flood(lsa);
    // One refresh timer re-floods both LSAs; it restarts whenever the adjacency LSA changes.
    if (kind === 'adjacency') this.nextRefreshAt = this.now() + t.lsaRefreshS * 1000;
    this.o.onEvent?.({ type: 'originate', kind, seq: lsa.seq, lifetimeS: lsa.lifetimeS });
    this.spf.request(this.now());
  }

  private localLinks(): LocalLink[] {
    return this.nbrs.twoWay()
      .map((n) => ({ iface: n.iface, neighbor: n.router, cost: this.ifaces.get(n.iface)?.cost ?? 1 }))
      // Plain code-unit order: localeCompare would pull ICU collation data into memory for nothing.
      .sort((a, b) => (a.iface < b.iface ? -1 : a.iface > b.iface ? 1 : a.neighbor.compare(b.neighbor)));
  }

  // ---------- SPF, RIB, FIB ----------

  private runSpfIfDue(): void {
    const now = this.now();
    if (!this.spf.due(now)) return;
    const waitedMs = now - this.spf.requestedAt;
    this.spf.ran(now);
    const t0 = performance.now();
    const entries = this.lsdb.all().map((e) => e.lsa);
    const { rib, distances } = runSpf({
      self: this.name,
      adjacencies: entries.flatMap((l) => (l.kind === 'adjacency' ? [l] : [])),
      prefixes: entries.flatMap((l) => (l.kind === 'prefix' ? [l] : [])),
      localLinks: this.localLinks(),
    });
    const fib = buildFib(rib);
    const fibChanges = fibDiff(this.fibTrie, fib);
    this.ribEntries = rib;
    this.fibTrie = fib;
    this.counters.spfRuns++;
    this.o.onEvent?.({ type: 'spf', durationMs: performance.now() - t0, waitedMs, routes: rib.length, routers: distances.size, fibChanges });
  }

  /** Runs a pending SPF now, whatever the throttle says (tools and tests that want the answer). */
  flushSpf(): void {
    if (this.spf.pending) {
      this.spf.force();
      this.runSpfIfDue();
    }
  }

  get spfPending(): boolean {
    return this.spf.pending;
  }

  // ---------- data plane ----------

  private forward(p: DataPacket, fromIface: string | undefined): void {
    forwardPacket({
      name: this.name, counters: this.counters, fib: this.fibTrie,
      send: this.o.send, deliver: this.o.deliver, onEvent: this.o.onEvent,
    }, p, fromIface);
  }

  // ---------- views ----------

  neighbors(): readonly Neighbor[] {
    return this.nbrs.all();
  }

  rib(): readonly RibEntry[] {
    return this.ribEntries;
  }

  fib(): NameTrie<RibEntry> {
    return this.fibTrie;
  }

  interfaceNames(): string[] {
    return [...this.ifaces.keys()];
  }
}

