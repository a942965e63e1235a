/**
 * Who we hear on each interface, from Hellos. A neighbor is two-way once its Hello lists us;
 * it is dropped when no Hello came for the dead interval, when its Hellos stop listing us for
 * two hello intervals (it restarted and does not hear us), or at once when the interface
 * loses carrier. One Hello that omits us is not enough: Hellos are not signed, and a stray
 * or replayed one (captured while the adjacency came up) must not tear a live adjacency down.
 * A neighbor that restarted lists us again within a round trip of hearing us, and its fresh
 * adjacency sends us its database summary, which resynchronises it without a drop here.
 *
 * A neighbor whose Hellos come late (a router starved of CPU on a loaded machine) gets slack:
 * its silence may last the dead interval plus twice its last lateness (at most three more dead
 * intervals; none in small labs, whose timers are fast enough) before it is declared dead, and the slack halves with every punctual Hello, so a
 * lab that is quiet again detects silent failures within the dead interval.
 *
 * A neighbor that flaps is held down before it comes up again (src/routing/damping.ts): while
 * held it is heard and listed in our Hellos, but not two-way, so no LSA of ours lists it.
 */
import type { Hello, Name } from '../wire/index.js';
import { FlapDamper, dampingFor, type DampingOptions } from './damping.js';

export interface Neighbor {
  readonly iface: string;
  readonly router: Name;
  twoWay: boolean;
  lastHeard: number;
  /** When it last became two-way (or was first heard). */
  since: number;
  /** Since when its Hellos have not listed us (while two-way; undefined when they do). */
  omittedSince?: number;
  /** It lists us, but flapped: it becomes two-way at this time (flap damping). */
  heldUntil?: number;
  /** Silence allowed beyond the dead interval, earned by late Hellos (0 when punctual). */
  slackMs: number;
}

export type NeighborChange = { readonly neighbor: Neighbor; readonly up: boolean; readonly reason: string };

export class NeighborTable {
  private readonly table = new Map<string, Neighbor>();
  private readonly damper: FlapDamper;

  /** `maxSlackMs`: the most a late neighbor's silence may exceed the dead interval (0: never). */
  constructor(private readonly self: Name, private readonly deadIntervalMs: number, private readonly helloIntervalMs = deadIntervalMs / 3,
    damping: DampingOptions = dampingFor(helloIntervalMs), private readonly maxSlackMs = 3 * deadIntervalMs) {
    this.damper = new FlapDamper(damping);
  }

  /** Adjacency downs remembered for this neighbor (flap damping). */
  flaps(iface: string, router: Name, now: number): number {
    return this.damper.downs(`${iface} ${router.key}`, now);
  }

  private down(k: string, n: Neighbor, reason: string, now: number): NeighborChange {
    n.twoWay = false;
    this.damper.down(k, now);
    return { neighbor: n, up: false, reason };
  }

  /**
   * Returns the change a Hello caused, whether the sender is new to us (answer it at once), and
   * whether it came late (the silence it ends was over two hello intervals).
   */
  hello(iface: string, h: Hello, now: number): { change?: NeighborChange; fresh: boolean; late?: boolean } {
    const k = `${iface} ${h.router.key}`;
    let n = this.table.get(k);
    const fresh = !n;
    if (!n) this.table.set(k, (n = { iface, router: h.router, twoWay: false, lastHeard: now, since: now, slackMs: 0 }));
    const late = this.adapt(n, now);
    n.lastHeard = now;
    const r = this.helloState(k, n, h, now, fresh);
    return late ? { ...r, late } : r;
  }

  /** Slack from the silence that this Hello ends; true when it came late. */
  private adapt(n: Neighbor, now: number): boolean {
    const silence = now - n.lastHeard;
    if (silence > 2 * this.helloIntervalMs) {
      n.slackMs = Math.min(this.maxSlackMs, Math.max(n.slackMs, 2 * (silence - this.helloIntervalMs)));
      return true;
    }
    n.slackMs = n.slackMs < this.helloIntervalMs / 2 ? 0 : n.slackMs / 2;
    return false;
  }

  private helloState(k: string, n: Neighbor, h: Hello, now: number, fresh: boolean): { change?: NeighborChange; fresh: boolean } {
    const listsUs = h.neighbors.some((x) => x.equals(this.self));
    if (listsUs) {
      n.omittedSince = undefined;
      if (n.twoWay || n.heldUntil !== undefined) return { fresh };
      const hold = this.damper.holdMs(k, now);
      if (hold > 0) {
        n.heldUntil = now + hold; // released by expire()
        return { fresh };
      }
      n.twoWay = true;
      n.since = now;
      return { change: { neighbor: n, up: true, reason: 'two-way' }, fresh };
    }
    n.heldUntil = undefined; // it no longer hears us: nothing to bring up
    if (!n.twoWay) return { fresh };
    if (n.omittedSince === undefined) {
      n.omittedSince = now;
      return { fresh: true }; // answer at once: a restarted neighbor lists us once it hears us
    }
    if (now - n.omittedSince < 2 * this.helloIntervalMs) return { fresh };
    n.omittedSince = undefined;
    return { change: this.down(k, n, 'no longer lists us (restarted?)', now), fresh: true };
  }

  /** Any frame on a point-to-point interface keeps its two-way neighbor alive. */
  heardFrom(iface: string, now: number): void {
    for (const n of this.table.values()) if (n.iface === iface && n.twoWay) n.lastHeard = now;
  }

  /** A silence of `ms` that was ours (we could not read our sockets): moves every deadline on. */
  forgive(ms: number, now: number): void {
    for (const n of this.table.values()) n.lastHeard = Math.min(now, n.lastHeard + ms);
  }

  /** When the next neighbor would be declared dead, or a held one brought up. */
  nextDeadline(): number {
    let t = Infinity;
    for (const n of this.table.values()) t = Math.min(t, n.lastHeard + this.deadIntervalMs + n.slackMs, n.heldUntil ?? Infinity);
    return t;
  }

  /** Routers heard on the interface (what our Hello on it lists). */
  heardOn(iface: string): Name[] {
    const out: Name[] = [];
    for (const n of this.table.values()) if (n.iface === iface) out.push(n.router);
    return out;
  }

  /** Neighbors silent for the dead interval go; held neighbors whose hold ended come up. */
  expire(now: number): NeighborChange[] {
    const out: NeighborChange[] = [];
    for (const [k, n] of this.table) {
      if (now - n.lastHeard >= this.deadIntervalMs + n.slackMs) {
        this.table.delete(k);
        if (n.twoWay) out.push(this.down(k, n, `no hello for ${Math.round(this.deadIntervalMs + n.slackMs)} ms`, now));
      } else if (n.heldUntil !== undefined && now >= n.heldUntil) {
        n.heldUntil = undefined;
        n.twoWay = true;
        n.since = now;
        out.push({ neighbor: n, up: true, reason: `two-way after a hold-down (${this.damper.downs(k, now)} downs in a row)` });
      }
    }
    return out;
  }

  dropInterface(iface: string, reason: string, now: number): NeighborChange[] {
    const out: NeighborChange[] = [];
    for (const [k, n] of this.table) {
      if (n.iface !== iface) continue;
      this.table.delete(k);
      if (n.twoWay) out.push(this.down(k, n, reason, now));
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
