/**
 * One SG/SR router's control plane and forwarding decision, with no I/O of its own: frames come
 * in through `receive`, carrier through `linkChange`, time through the injected clock and
 * `tick()`, and everything it sends goes out through the injected `send`.
 *
 * The work lives in four parts that share a RouterContext: Hellos (hellos and neighbors),
 * Flooding (LSAs, acks, summaries, requests, retransmits, aging), Origination (our own LSAs)
 * and Routes (SPF, RIB, FIB). This class dispatches input to them, runs what is due in a fixed
 * order, and combines their deadlines.
 */
import type { Message, Name } from '../wire/index.js';
import type { Clock } from './clock.js';
import type { RouterContext } from './context.js';
import { newCounters, type RouterCounters } from './counters.js';
import { forwardPacket } from './data-plane.js';
import type { NameTrie } from './fib.js';
import { Flooding } from './flooding.js';
import type { DataPacket } from './forwarder.js';
import { Hellos } from './hellos.js';
import { Lsdb } from './lsdb.js';
import type { Neighbor, NeighborChange } from './neighbors.js';
import { Origination, type OwnPrefix } from './origination.js';
import { Routes, type PrefixFilter } from './routes.js';
import type { SeqStore } from './seq.js';
import type { RibEntry } from './spf.js';
import type { LsaCrypto, RouterEvent, RouterTimers } from './types.js';

export interface RouterCoreOptions {
  readonly name: Name;
  readonly clock: Clock;
  readonly interfaces: readonly { readonly name: string; readonly cost: number }[];
  /** What we originate: names (cost 0) or whole entries (an SG's granted prefixes, grants attached). */
  readonly prefixes?: readonly OwnPrefix[];
  /** Budget of one prefix LSA part in bytes (default 1400: fits a 1500 MTU); more prefixes, more parts. */
  readonly maxLsaBytes?: number;
  readonly timers: RouterTimers;
  readonly crypto: LsaCrypto;
  readonly seqStore: SeqStore;
  /** Sends one message out of an interface; false when the face refused it. */
  readonly send: (iface: string, msg: Message) => boolean;
  /** Data packets addressed to this router (its name or its prefixes). */
  readonly deliver?: (p: DataPacket, fromIface: string | undefined) => void;
  readonly onEvent?: (e: RouterEvent) => void;
  /** Which entries of a received prefix LSA routes may use (default: all). */
  readonly prefixFilter?: PrefixFilter;
  /**
   * The table data packets are forwarded by, derived from the FIB (default: the FIB itself);
   * scheduling overlays the SCSC's next-hop policies here (src/scheduling/steering.ts).
   */
  readonly forwardingTable?: (fib: NameTrie<RibEntry>) => NameTrie<RibEntry>;
}

export class RouterCore {
  readonly name: Name;
  readonly counters: RouterCounters = newCounters();
  readonly lsdb = new Lsdb();
  private readonly hellos: Hellos;
  private readonly flooding: Flooding;
  private readonly origination: Origination;
  private readonly routes: Routes;
  private started = false;

  constructor(private readonly o: RouterCoreOptions) {
    this.name = o.name;
    const c: RouterContext = {
      name: o.name, timers: o.timers, counters: this.counters, lsdb: this.lsdb, crypto: o.crypto,
      now: () => o.clock.now(), send: o.send, event: (e) => o.onEvent?.(e),
    };
    this.hellos = new Hellos(c, o.interfaces);
    const localLinks = () => this.hellos.localLinks();
    this.routes = new Routes(c, localLinks, o.prefixFilter);
    const changed = (now: number) => this.routes.request(now);
    this.flooding = new Flooding(c, { ownCopy: (lsa, alive) => this.origination.ownCopy(lsa, alive), changed });
    this.origination = new Origination(c, {
      seqStore: o.seqStore, prefixes: o.prefixes ?? [], ...(o.maxLsaBytes ? { maxLsaBytes: o.maxLsaBytes } : {}), flood: (lsa) => this.flooding.flood(lsa), localLinks, changed,
      settled: () => this.hellos.settled(),
    });
  }

  /** Originates our LSAs and sends the first Hellos. */
  start(): void {
    this.started = true;
    this.origination.start();
    this.tick();
  }

  /** Floods lifetime-0 copies of our LSAs so the others forget us now rather than at expiry. */
  shutdown(): void {
    this.origination.shutdown();
    this.flooding.flushAcks(Infinity);
    this.started = false;
  }

  setPrefixes(prefixes: readonly OwnPrefix[]): void {
    this.origination.setPrefixes(prefixes, this.started);
  }

  // ---------- time ----------

  /**
   * Does whatever is due. `withSpf = false` leaves a due SPF for `runDueSpf()`, so a driver can
   * push the frames this tick queued (a flood) to the kernel first. `lateMs`: how late the
   * driver woke us (measured event-loop lag); that much of a neighbor's silence is ours.
   */
  tick(withSpf = true, lateMs = 0): void {
    if (!this.started) return;
    const now = this.o.clock.now();
    this.neighborChanges(this.hellos.tick(now, lateMs));
    this.flooding.retransmit(now);
    this.origination.tick(now);
    this.flooding.flushAcks(now);
    this.flooding.age(now);
    if (withSpf) this.routes.runIfDue();
  }

  /**
   * Sends the Hellos that are due and does nothing else: a driver woken late calls this before
   * it reads the input that queued meanwhile, so a busy router's neighbors still hear it.
   */
  sendDueHellos(): void {
    if (this.started) this.hellos.sendDue(this.o.clock.now());
  }

  runDueSpf(): void {
    if (this.started) this.routes.runIfDue();
  }

  /** When tick() next has something to do (absolute ms): drivers sleep until then. */
  nextWakeup(): number {
    if (!this.started) return Infinity;
    const now = this.o.clock.now();
    return Math.min(this.hellos.nextDue(), this.flooding.nextDue(), this.origination.nextDue(now), this.routes.nextDue(now));
  }

  /**
   * Carrier change. What it makes due (hellos on up; on down the new LSA is flooded at once,
   * then SPF) is left to the driver's next tick(), so the flood leaves before SPF runs.
   */
  linkChange(iface: string, up: boolean): void {
    this.neighborChanges(this.hellos.linkChange(iface, up));
  }

  // ---------- input ----------

  receive(iface: string, msg: Message): void {
    if (!this.started) return;
    if (!this.hellos.has(iface)) {
      // A link whose peer is not a router (a pod, a linux node): data may come in there, the
      // routing protocol never does. Counted, never processed.
      if (msg.type === 'request' || msg.type === 'response' || msg.type === 'nack') {
        this.counters.dataRx++;
        return this.forward(msg, iface);
      }
      this.counters.routingOffFabric++;
      return;
    }
    if (!this.hellos.isUp(iface)) return;
    // Fabric links are point-to-point: any frame on one proves its neighbor alive, so a burst
    // of LSAs that delays a Hello on a busy machine does not kill the adjacency.
    if (msg.type !== 'hello') this.hellos.heardFrom(iface, this.o.clock.now());
    switch (msg.type) {
      case 'hello': {
        const change = this.hellos.onHello(iface, msg);
        if (change) this.neighborChanges([change]);
        return;
      }
      case 'lsa': return this.flooding.onLsa(iface, msg.lsa, msg.remainingS);
      case 'lsa-ack': return this.flooding.onAck(iface, msg.acks);
      case 'db-summary': return this.flooding.onSummary(iface, msg.headers, msg.last);
      case 'lsa-request': return this.flooding.onRequest(iface, msg.wanted);
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

  private neighborChanges(changes: readonly NeighborChange[]): void {
    if (changes.length === 0) return;
    for (const { neighbor: n, up } of changes) {
      if (up) {
        const a = this.flooding.adjacencyUp(n.iface, n.router);
        // Our Hello first: the neighbor takes our summary only once it sees us two-way.
        this.hellos.send(n.iface);
        this.flooding.sendSummary(a);
      } else this.flooding.adjacencyDown(n.iface, n.router);
    }
    // The new LSA first, the report after: a report may be a log write, which wakes the
    // container's log reader and can cost this process the CPU before the flood has left.
    this.origination.originate('adjacency');
    for (const { neighbor: n, up, reason } of changes) this.o.onEvent?.({ type: 'adjacency', iface: n.iface, neighbor: n.router, up, reason });
  }

  // ---------- SPF and data plane ----------

  /** Runs a pending SPF now, whatever the throttle says (tools and tests that want the answer). */
  flushSpf(): void {
    this.routes.flush();
  }

  get spfPending(): boolean {
    return this.routes.pending;
  }

  private forward(p: DataPacket, fromIface: string | undefined): void {
    forwardPacket({
      name: this.name, counters: this.counters, fib: this.forwardingFib(),
      send: this.o.send, deliver: this.o.deliver, onEvent: this.o.onEvent,
    }, p, fromIface);
  }

  // ---------- views ----------

  neighbors(): readonly Neighbor[] {
    return this.hellos.neighbors();
  }

  rib(): readonly RibEntry[] {
    return this.routes.rib();
  }

  fib(): NameTrie<RibEntry> {
    return this.routes.fib();
  }

  /** What data packets are forwarded by: the FIB, or what `forwardingTable` makes of it. */
  forwardingFib(): NameTrie<RibEntry> {
    const fib = this.routes.fib();
    return this.o.forwardingTable ? this.o.forwardingTable(fib) : fib;
  }

  interfaceNames(): string[] {
    return this.hellos.interfaceNames();
  }
}
