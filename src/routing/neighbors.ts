/**
 * Who we hear on each interface, from Hellos. A neighbor is two-way once its Hello lists us;
 * it is dropped when no Hello came for the dead interval, when its Hellos stop listing us for
 * two hello intervals (it restarted and does not hear us), or at once when the interface
 * loses carrier. One Hello that omits us is not enough: Hellos are not signed, and a stray
 * or replayed one (captured while the adjacency came up) must not tear a live adjacency down.
 * A neighbor that restarted lists us again within a round trip of hearing us, and its fresh
 * adjacency sends us its database summary, which resynchronises it without a drop here.
 */
import type { Hello, Name } from '../wire/index.js';

export interface Neighbor {
  readonly iface: string;
  readonly router: Name;
  twoWay: boolean;
  lastHeard: number;
  /** When it last became two-way (or was first heard). */
  since: number;
  /** Since when its Hellos have not listed us (while two-way; undefined when they do). */
  omittedSince?: number;
}

export type NeighborChange = { readonly neighbor: Neighbor; readonly up: boolean; readonly reason: string };

export class NeighborTable {
  private readonly table = new Map<string, Neighbor>();

  constructor(private readonly self: Name, private readonly deadIntervalMs: number, private readonly helloIntervalMs = deadIntervalMs / 3) {}

  /** Returns the change a Hello caused, and whether the sender is new to us (answer it at once). */
  hello(iface: string, h: Hello, now: number): { change?: NeighborChange; fresh: boolean } {
    const k = `${iface} ${h.router.key}`;
    let n = this.table.get(k);
    const fresh = !n;
    if (!n) this.table.set(k, (n = { iface, router: h.router, twoWay: false, lastHeard: now, since: now }));
    n.lastHeard = now;
    const listsUs = h.neighbors.some((x) => x.equals(this.self));
    if (listsUs) {
      n.omittedSince = undefined;
      if (n.twoWay) return { fresh };
      n.twoWay = true;
      n.since = now;
      return { change: { neighbor: n, up: true, reason: 'two-way' }, fresh };
    }
    if (!n.twoWay) return { fresh };
    if (n.omittedSince === undefined) {
      n.omittedSince = now;
      return { fresh: true }; // answer at once: a restarted neighbor lists us once it hears us
    }
    if (now - n.omittedSince < 2 * this.helloIntervalMs) return { fresh };
    n.twoWay = false;
    n.omittedSince = undefined;
    return { change: { neighbor: n, up: false, reason: 'no longer lists us (restarted?)' }, fresh: true };
  }

  /** Any frame on a point-to-point interface keeps its two-way neighbor alive. */
  heardFrom(iface: string, now: number): void {
    for (const n of this.table.values()) if (n.iface === iface && n.twoWay) n.lastHeard = now;
  }

  /** A silence of `ms` that was ours (we could not read our sockets): moves every deadline on. */
  forgive(ms: number, now: number): void {
    for (const n of this.table.values()) n.lastHeard = Math.min(now, n.lastHeard + ms);
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
