/**
 * Hellos and neighbors: when each interface's Hello is due, what a received Hello changes, carrier,
 * and the router's own two-way links (what its adjacency LSA lists and SPF starts from).
 */
import type { Hello } from '../wire/index.js';
import type { RouterContext } from './context.js';
import { dampingFor } from './damping.js';
import { NeighborTable, type Neighbor, type NeighborChange } from './neighbors.js';
import type { LocalLink } from './spf.js';

interface Iface {
  readonly cost: number;
  up: boolean;
  nextHelloAt: number;
}

export class Hellos {
  private readonly table: NeighborTable;
  private readonly ifaces = new Map<string, Iface>();

  constructor(private readonly c: RouterContext, interfaces: readonly { readonly name: string; readonly cost: number }[]) {
    const t = c.timers;
    this.table = new NeighborTable(c.name, t.deadIntervalMs, t.helloIntervalMs, dampingFor(t.helloIntervalMs), t.lateSlackMaxMs ?? 3 * t.deadIntervalMs);
    for (const i of interfaces) this.ifaces.set(i.name, { cost: i.cost, up: true, nextHelloAt: 0 });
  }

  /**
   * Sends the Hellos that are due; returns the neighbors that went silent for the dead
   * interval. `lateMs`: how long we ourselves could not listen (our event loop was late), not
   * counted against any neighbor.
   */
  tick(now: number, lateMs = 0): NeighborChange[] {
    if (lateMs > 0) {
      this.table.forgive(lateMs, now);
      this.c.counters.lateMsForgiven += lateMs;
    }
    this.sendDue(now);
    return this.table.expire(now);
  }

  /**
   * Sends the Hellos that are due, nothing else. When one interface's Hello is due, those due
   * within half an interval go too: after one round all of a router's Hellos leave in one
   * wakeup instead of one per interface (early Hellos are harmless; on 2 cores shared by 50
   * routers every wakeup costs ~0.3 ms).
   */
  sendDue(now: number): void {
    let helloDue = false;
    for (const i of this.ifaces.values()) if (i.up && now >= i.nextHelloAt) helloDue = true;
    if (!helloDue) return;
    const soon = now + this.c.timers.helloIntervalMs / 2;
    for (const [name, i] of this.ifaces) if (i.up && soon >= i.nextHelloAt) this.send(name);
  }

  /** The next Hello or neighbor deadline (absolute ms). */
  nextDue(): number {
    let t = this.table.nextDeadline();
    for (const i of this.ifaces.values()) if (i.up) t = Math.min(t, i.nextHelloAt);
    return t;
  }

  isUp(iface: string): boolean {
    return this.ifaces.get(iface)?.up ?? false;
  }

  /** One of the interfaces the routing protocol runs on (links to other routers). */
  has(iface: string): boolean {
    return this.ifaces.has(iface);
  }

  /** Carrier change: up makes a Hello due at once, down drops the interface's neighbors now. */
  linkChange(iface: string, up: boolean): NeighborChange[] {
    const i = this.ifaces.get(iface);
    if (!i || i.up === up) return [];
    i.up = up;
    if (up) {
      i.nextHelloAt = 0;
      return [];
    }
    return this.table.dropInterface(iface, 'carrier down', this.c.now());
  }

  /** Fabric links are point-to-point: any frame on one proves its neighbor alive. */
  heardFrom(iface: string, now: number): void {
    this.table.heardFrom(iface, now);
  }

  onHello(iface: string, h: Hello): NeighborChange | undefined {
    this.c.counters.helloRx++;
    if (h.router.equals(this.c.name)) return undefined;
    if (!this.c.crypto.knows(h.router)) {
      this.c.counters.helloUnknownRouter++;
      return undefined;
    }
    const r = this.table.hello(iface, h, this.c.now());
    if (r.late) this.c.counters.helloLate++;
    if (r.fresh) this.send(iface); // let it see us now rather than a hello interval later
    return r.change;
  }

  send(iface: string): void {
    const i = this.ifaces.get(iface);
    if (!i) return;
    const t = this.c.timers;
    i.nextHelloAt = this.c.now() + t.helloIntervalMs;
    this.c.counters.helloTx++;
    this.c.send(iface, {
      type: 'hello', router: this.c.name, iface,
      helloIntervalMs: t.helloIntervalMs, deadIntervalMs: t.deadIntervalMs,
      neighbors: this.table.heardOn(iface),
    });
  }

  /** Every interface with carrier has a two-way neighbor (none without carrier counts against it). */
  settled(): boolean {
    const two = new Set(this.table.twoWay().map((n) => n.iface));
    for (const [name, i] of this.ifaces) if (i.up && !two.has(name)) return false;
    return true;
  }

  /** Our two-way links, in a stable order (an unchanged neighborhood gives an identical LSA). */
  localLinks(): LocalLink[] {
    return this.table.twoWay()
      .map((n) => ({ iface: n.iface, neighbor: n.router, cost: this.ifaces.get(n.iface)?.cost ?? 1 }))
      // Plain code-unit order: localeCompare would pull ICU collation data into memory for nothing.
      .sort((a, b) => (a.iface < b.iface ? -1 : a.iface > b.iface ? 1 : a.neighbor.compare(b.neighbor)));
  }

  neighbors(): readonly Neighbor[] {
    return this.table.all();
  }

  interfaceNames(): string[] {
    return [...this.ifaces.keys()];
  }
}
