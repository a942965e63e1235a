/**
 * How a router (SG or SR) forwards a name a policy's next-hop entry covers: over the policy's
 * neighbors that are up on this router, by weight; if none of them is up (or there is no entry),
 * over the FIB's equal-cost next hops. All segments of one request take the same hop (chosen by
 * a hash of the request id), so a segmented request is not reordered across paths.
 */
import type { PolicyEntry } from '../wire/messages.js';
import type { Name } from '../wire/name.js';

export interface Hop {
  readonly iface: string;
  readonly neighbor: Name;
}

export interface WeightedHop<H extends Hop> {
  readonly hop: H;
  readonly weight: number;
}

export function hopsFor<H extends Hop>(
  entry: PolicyEntry | undefined,
  up: readonly H[],
  fib: readonly H[],
): { source: 'policy' | 'fib'; hops: WeightedHop<H>[] } {
  if (entry && entry.nexthops.length > 0) {
    const hops: WeightedHop<H>[] = [];
    for (const w of entry.nexthops) {
      if (w.weight <= 0) continue;
      for (const h of up) if (h.neighbor.equals(w.name)) hops.push({ hop: h, weight: w.weight });
    }
    if (hops.length > 0) return { source: 'policy', hops };
  }
  return { source: 'fib', hops: fib.map((hop) => ({ hop, weight: 1 })) };
}

/** One hop for a request, the same for all its segments; undefined when there is none. */
export function hopForRequest<H extends Hop>(hops: readonly WeightedHop<H>[], requestId: bigint): H | undefined {
  let total = 0;
  for (const h of hops) total += h.weight;
  if (total <= 0) return undefined;
  let x = Number(mix(requestId) % BigInt(total));
  for (const h of hops) {
    x -= h.weight;
    if (x < 0) return h.hop;
  }
  return hops.at(-1)!.hop;
}

/** SplitMix64's finaliser: consecutive request ids spread evenly over the hops. */
function mix(id: bigint): bigint {
  const M = (1n << 64n) - 1n;
  let z = (id + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  return z ^ (z >> 31n);
}
