/**
 * Adjacency flap damping: a neighbor whose adjacency keeps going down is held down before it
 * is brought up again, with a hold that doubles for every further flap and is forgotten after
 * a quiet spell (the exponential adjacency hold-down of IS-IS/OSPF implementations).
 *
 * Why: on a machine whose cores cannot serve every router on time, a late Hello kills an
 * adjacency, the two new adjacency LSAs go to every router (verify, flood, SPF), that work
 * makes more Hellos late, and the storm feeds itself. Holding a flapping neighbor down turns
 * each further flap into one LSA pair per hold instead of one per flap. The first down of a
 * stable adjacency is never damped: it comes back as soon as it is two-way again.
 */

export interface DampingOptions {
  /** Hold before the second up after a flap; doubles per further flap. */
  readonly initialHoldMs: number;
  readonly maxHoldMs: number;
  /** A neighbor that stayed quiet (no down) this long starts from scratch again. */
  readonly forgetMs: number;
}

/** Damping for a router's hello interval: holds from one hello to 16 of them, forgotten after twice the longest. */
export function dampingFor(helloIntervalMs: number): DampingOptions {
  const maxHoldMs = 16 * helloIntervalMs;
  return { initialHoldMs: helloIntervalMs, maxHoldMs, forgetMs: 2 * maxHoldMs };
}

interface History {
  downs: number;
  lastDown: number;
}

export class FlapDamper {
  private readonly history = new Map<string, History>();

  constructor(private readonly o: DampingOptions) {}

  /** The adjacency `key` went down at `now`. */
  down(key: string, now: number): void {
    const h = this.history.get(key);
    if (!h || now - h.lastDown >= this.o.forgetMs) this.history.set(key, { downs: 1, lastDown: now });
    else {
      h.downs++;
      h.lastDown = now;
    }
  }

  /** How long an up of `key` at `now` must wait (0: at once). */
  holdMs(key: string, now: number): number {
    const h = this.history.get(key);
    if (!h) return 0;
    if (now - h.lastDown >= this.o.forgetMs) {
      this.history.delete(key);
      return 0;
    }
    if (h.downs < 2) return 0;
    const hold = Math.min(this.o.maxHoldMs, this.o.initialHoldMs * 2 ** Math.min(30, h.downs - 2));
    return Math.max(0, h.lastDown + hold - now);
  }

  /** Flaps counted for `key` (0 once forgotten), for views and tests. */
  downs(key: string, now: number): number {
    const h = this.history.get(key);
    return h && now - h.lastDown < this.o.forgetMs ? h.downs : 0;
  }
}
