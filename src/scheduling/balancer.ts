/**
 * Spreading requests for a pool prefix (/B) over its instances.
 *
 * Rule: two choices drawn in proportion to the weights, keep the one with fewer requests in
 * flight (the first drawn on a tie). When the SG is idle or calls one at a time, the first draw
 * decides, so the long-run shares are exactly the SCSC's weights; under load, an instance that
 * slows down collects requests in flight and loses the comparison at once, with no SCSC round
 * trip. Envoy's weighted least-request (weight / (active+1)^bias through an EDF schedule) also
 * reacts to load, but at equal activity it skews shares towards the heavy host and it needs
 * per-pool schedule state; this rule is stateless apart from the in-flight counts.
 *
 * With no policy the candidates are the instances at the lowest routing cost, equally weighted:
 * shortest path with equal-cost sharing, as the FIB would do.
 */
import type { PolicyEntry } from '../wire/messages.js';
import type { Name } from '../wire/name.js';
import type { Random } from './random.js';

export interface Candidate {
  readonly name: Name;
  readonly weight: number;
}

/** Requests in flight per instance (what least-request compares). */
export class InFlight {
  private readonly n = new Map<string, number>();

  start(name: Name): void {
    this.n.set(name.key, (this.n.get(name.key) ?? 0) + 1);
  }

  finish(name: Name): void {
    const v = (this.n.get(name.key) ?? 0) - 1;
    if (v > 0) this.n.set(name.key, v);
    else this.n.delete(name.key);
  }

  get(name: Name): number {
    return this.n.get(name.key) ?? 0;
  }
}

export interface PickOptions {
  /** Locally ejected instances (outlier detection) are skipped, unless all would be. */
  readonly excluded?: (name: Name) => boolean;
  readonly active?: (name: Name) => number;
}

/**
 * One instance for one request, or undefined only when there are no candidates at all.
 * Zero-weight and excluded instances are used only when nothing else is left (a drained pool
 * still answers rather than failing every call: Envoy's panic mode).
 */
export function pick(candidates: readonly Candidate[], random: Random, opts: PickOptions = {}): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const excluded = opts.excluded ?? (() => false);
  let pool = candidates.filter((c) => c.weight > 0 && !excluded(c.name));
  if (pool.length === 0) pool = candidates.filter((c) => !excluded(c.name));
  if (pool.length === 0) pool = candidates.filter((c) => c.weight > 0);
  if (pool.length === 0) pool = [...candidates];
  if (pool.length === 1) return pool[0];
  // Panic sets may hold only zero weights: then draw them equally.
  const w = (c: Candidate) => (pool.some((x) => x.weight > 0) ? c.weight : 1);
  const first = draw(pool, w, random)!;
  const second = draw(pool, (c) => (c === first ? 0 : w(c)), random) ?? first;
  const active = opts.active ?? (() => 0);
  return active(second.name) < active(first.name) ? second : first;
}

/** One candidate drawn in proportion to `weight`; undefined when all weights are 0. */
function draw(pool: readonly Candidate[], weight: (c: Candidate) => number, random: Random): Candidate | undefined {
  let total = 0;
  for (const c of pool) total += weight(c);
  if (total <= 0) return undefined;
  let x = random() * total;
  for (const c of pool) {
    x -= weight(c);
    if (x < 0 && weight(c) > 0) return c;
  }
  // Rounding left x at 0: the last candidate with weight.
  for (let i = pool.length - 1; i >= 0; i--) if (weight(pool[i]!) > 0) return pool[i]!;
  return undefined;
}

/** An instance the routing table knows for a pool, with its path cost from here. */
export interface RoutedInstance {
  readonly name: Name;
  readonly cost: number;
}

/**
 * The candidates for a pool: the policy's weights when a live policy covers the pool, else the
 * instances at the lowest cost, weight 1 each.
 */
export function candidatesFor(policy: PolicyEntry | undefined, routed: readonly RoutedInstance[]): Candidate[] {
  if (policy && policy.instances.length > 0) return policy.instances.map((i) => ({ name: i.name, weight: i.weight }));
  let best = Infinity;
  for (const r of routed) best = Math.min(best, r.cost);
  return routed.filter((r) => r.cost === best).map((r) => ({ name: r.name, weight: 1 }));
}
