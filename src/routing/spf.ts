/**
 * Dijkstra over the LSDB's two-way links, with every equal-cost first hop kept, then the RIB:
 * per prefix the cheapest origins and the union of their first hops. Routers are integer ids
 * inside the run (a binary heap over typed arrays), so 1,000 routers take a few milliseconds.
 */
import type { AdjacencyEntry, Name, PrefixEntry } from '../wire/index.js';
import { MinHeap } from './heap.js';

/** One of this router's own two-way adjacencies (interface + neighbor + the cost we configured). */
export interface LocalLink {
  readonly iface: string;
  readonly neighbor: Name;
  readonly cost: number;
}

export interface SpfInput {
  readonly self: Name;
  /** Adjacency LSAs: origin -> the neighbors it lists. */
  readonly adjacencies: Iterable<{ readonly origin: Name; readonly neighbors: readonly AdjacencyEntry[] }>;
  readonly prefixes: Iterable<{ readonly origin: Name; readonly prefixes: readonly PrefixEntry[] }>;
  readonly localLinks: readonly LocalLink[];
}

export interface NextHop {
  readonly iface: string;
  readonly neighbor: Name;
  /** Total cost to the destination through this next hop. */
  readonly cost: number;
}

export interface RibEntry {
  readonly prefix: Name;
  /** True when this router originates the prefix (or it is its own name): deliver here. */
  readonly local: boolean;
  readonly cost: number;
  /** Routers that originate the prefix at the best cost. */
  readonly origins: readonly Name[];
  readonly nexthops: readonly NextHop[];
}

export interface SpfResult {
  /** In no particular order (views sort). */
  readonly rib: RibEntry[];
  /** Reachable routers and their distance (self included, at 0). */
  readonly distances: Map<string, number>;
  /** Reachable routers' first-hop sets: sorted indices into the input's localLinks (self: none). */
  readonly firstHops: Map<string, readonly number[]>;
}

const EMPTY: readonly number[] = [];
const EMPTY_HOPS: readonly NextHop[] = [];

export function runSpf(input: SpfInput): SpfResult {
  const ids = new Map<string, number>();
  const names: Name[] = [];
  const idOf = (n: Name): number => {
    const k = n.key;
    let id = ids.get(k);
    if (id === undefined) {
      ids.set(k, (id = names.length));
      names.push(n);
    }
    return id;
  };
  const self = idOf(input.self);
  // Per router the entries its LSA lists, flat (neighbor, cost) pairs.
  const listed: number[][] = [];
  for (const a of input.adjacencies) {
    const u = idOf(a.origin);
    const l: number[] = [];
    for (const e of a.neighbors) l.push(idOf(e.neighbor), e.cost);
    listed[u] = l;
  }
  const N = names.length;
  const lists = (v: number, u: number): boolean => {
    const l = listed[v];
    if (l) for (let j = 0; j < l.length; j += 2) if (l[j] === u) return true;
    return false;
  };
  // An edge is usable only when its far end lists it back (two-way); degrees are small, so a scan is cheapest.
  const out: number[][] = [];
  for (let u = 0; u < N; u++) {
    const l = listed[u];
    const o: number[] = [];
    if (l && u !== self) for (let j = 0; j < l.length; j += 2) if (lists(l[j]!, u)) o.push(l[j]!, l[j + 1]!);
    out.push(o);
  }

  const dist = new Float64Array(N).fill(Infinity);
  const first: (readonly number[])[] = new Array<readonly number[]>(N).fill(EMPTY);
  const done = new Uint8Array(N);
  const heap = new MinHeap(Math.max(16, N));
  dist[self] = 0;
  done[self] = 1;
  input.localLinks.forEach((l, i) => {
    const v = ids.get(l.neighbor.key);
    if (v === undefined || !lists(v, self)) return; // neighbor's LSA does not list us yet
    relax(v, l.cost, [i]);
  });
  function relax(v: number, d: number, fh: readonly number[]): void {
    if (d < dist[v]!) {
      dist[v] = d;
      first[v] = fh;
      heap.push(d, v);
    } else if (d === dist[v]! && first[v] !== fh) {
      first[v] = union(first[v]!, fh);
    }
  }
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (done[u] || d > dist[u]!) continue;
    done[u] = 1;
    const edges = out[u]!;
    const fh = first[u]!;
    for (let j = 0; j < edges.length; j += 2) {
      const v = edges[j]!;
      if (!done[v]) relax(v, d + edges[j + 1]!, fh);
    }
  }

  const distances = new Map<string, number>();
  const firstHops = new Map<string, readonly number[]>();
  for (let i = 0; i < N; i++) {
    if (dist[i]! === Infinity) continue;
    distances.set(names[i]!.key, dist[i]!);
    firstHops.set(names[i]!.key, first[i]!);
  }

  // Candidates per prefix: every router's own name, plus the prefix LSAs. Most prefixes have a
  // single best origin, so `more` stays null and nothing else is allocated for them.
  type Best = { prefix: Name; cost: number; origin: number; more: number[] | null };
  const best = new Map<string, Best>();
  const offer = (prefix: Name, origin: number, extra: number) => {
    const c = dist[origin]! + extra;
    if (c === Infinity) return;
    const k = prefix.key;
    const b = best.get(k);
    if (!b) best.set(k, { prefix, cost: c, origin, more: null });
    else if (c < b.cost) {
      b.cost = c;
      b.origin = origin;
      b.more = null;
    } else if (c === b.cost && b.origin !== origin && !b.more?.includes(origin)) (b.more ??= []).push(origin);
  };
  for (let i = 0; i < N; i++) offer(names[i]!, i, 0);
  for (const p of input.prefixes) {
    const o = ids.get(p.origin.key);
    if (o === undefined) continue;
    for (const e of p.prefixes) offer(e.prefix, o, e.cost);
  }
  const single: (readonly Name[])[] = [];
  const rib: RibEntry[] = [];
  // Most prefixes share their origin's next hops: build each (first-hop set, cost) list once.
  const hopCache = new Map<readonly number[], Map<number, readonly NextHop[]>>();
  const hopsOf = (fh: readonly number[], cost: number): readonly NextHop[] => {
    let byCost = hopCache.get(fh);
    if (!byCost) hopCache.set(fh, (byCost = new Map()));
    let hops = byCost.get(cost);
    if (!hops) {
      hops = fh.map((i) => {
        const l = input.localLinks[i]!;
        return { iface: l.iface, neighbor: l.neighbor, cost };
      });
      byCost.set(cost, hops);
    }
    return hops;
  };
  const originsOf = (o: number) => (single[o] ??= [names[o]!]);
  for (const b of best.values()) {
    const local = b.origin === self || (b.more?.includes(self) ?? false);
    let fh: readonly number[] = EMPTY;
    if (!local) {
      fh = first[b.origin]!;
      if (b.more) for (const o of b.more) fh = union(fh, first[o]!);
    }
    rib.push({
      prefix: b.prefix,
      local,
      cost: b.cost,
      origins: local ? originsOf(self) : b.more ? [b.origin, ...b.more].map((o) => names[o]!) : originsOf(b.origin),
      nexthops: local ? EMPTY_HOPS : hopsOf(fh, b.cost),
    });
  }
  return { rib, distances, firstHops };
}

/** Union of two sorted id lists (first-hop sets are tiny: at most the router's degree). */
function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i], y = b[j];
    if (y === undefined || (x !== undefined && x < y)) out.push(a[i++]!);
    else if (x === undefined || y < x) out.push(b[j++]!);
    else { out.push(a[i++]!); j++; }
  }
  return out.length === a.length ? a : out;
}
