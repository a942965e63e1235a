/**
 * Who we hear on each interface, from Hellos. A neighbor is two-way once its Hello lists us;
 * it is dropped when no Hello came for the dead interval, when its Hello stops listing us
 * (it restarted), or at once when the interface loses carrier.
 */
import type { Hello, Name } from '../wire/index.js';

export interface Neighbor {
  readonly iface: string;
  readonly router: Name;
  twoWay: boolean;
  lastHeard: number;
  /** When it last became two-way (or was first heard). */
  since: number;
}

export type NeighborChange = { readonly neighbor: Neighbor; readonly up: boolean; readonly reason: string };

export class NeighborTable {
  private readonly table = new Map<string, Neighbor>();

  constructor(private readonly self: Name, private readonly deadIntervalMs: number) {}

  /** Returns the change a Hello caused, and whether the sender is new to us (answer it at once). */
  hello(iface: string, h: Hello, now: number): { change?: NeighborChange; fresh: boolean } {
    const k = `${iface} ${h.router.key}`;
    let n = this.table.get(k);
    const fresh = !n;
    if (!n) this.table.set(k, (n = { iface, router: h.router, twoWay: false, lastHeard: now, since: now }));
    n.lastHeard = now;
    const listsUs = h.neighbors.some((x) => x.equals(this.self));
    if (listsUs && !n.twoWay) {
      n.twoWay = true;
      n.since = now;
      return { change: { neighbor: n, up: true, reason: 'two-way' }, fresh };
    }
    if (!listsUs && n.twoWay) {
      n.twoWay = false;
      return { change: { neighbor: n, up: false, reason: 'no longer lists us (restarted?)' }, fresh: true };
    }
    return { fresh };
  }

  /** Any frame on a point-to-point interface keeps its two-way neighbor alive. */
  heardFrom(iface: string, now: number): void {
    for (const n of this.table.values()) if (n.iface === iface && n.twoWay) n.lastHeard = now;
  }

  /** When the next neighbor would be declared dead. */
  nextDeadline(): number {
    let t = Infinity;
    for (const n of this.table.values()) t = Math.min(t, n.lastHeard + this.deadIntervalMs);
    return t;
  }

  /** Routers heard on the interface (what our Hello on it lists). */
  heardOn(iface: string): Name[] {
    const out: Name[] = [];
    for (const n of this.table.values()) if (n.iface === iface) out.push(n.router);
    return out;
  }

  expire(now: number): NeighborChange[] {
    const out: NeighborChange[] = [];
    for (const [k, n] of this.table) {
      if (now - n.lastHeard >= this.deadIntervalMs) {
        this.table.delete(k);
        if (n.twoWay) out.push({ neighbor: n, up: false, reason: `no hello for ${this.deadIntervalMs} ms` });
      }
    }
    return out;
  }

  dropInterface(iface: string, reason: string): NeighborChange[] {
    const out: NeighborChange[] = [];
    for (const [k, n] of this.table) {
      if (n.iface !== iface) continue;
      this.table.delete(k);
      if (n.twoWay) out.push({ neighbor: n, up: false, reason });
    }
    return out;
  }

  all(): Neighbor[] {
    return [...this.table.values()];
  }

  twoWay(): Neighbor[] {
    return this.all().filter((n) => n.twoWay);
  }

  isTwoWay(iface: string, router: Name): boolean {
    return this.table.get(`${iface} ${router.key}`)?.twoWay ?? false;
  }
}
