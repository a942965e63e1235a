/**
 * Whether a change to the LSDB can change this router's routes at all, decided from the last
 * SPF's distances without running Dijkstra again. A link that goes away, or gets dearer, and
 * lies on none of our shortest paths (dist[a] + cost ≠ dist[b] both ways) leaves every distance
 * and every first hop as it was; a link that appears, or gets cheaper, and makes no path as
 * short as or shorter than the known one (dist[a] + cost > dist[b] both ways) likewise.
 *
 * Why: a carrier loss in a 275-router grid makes both ends originate, every router ran SPF
 * once or twice (~1–2 ms each in a shared router process), and the last FIB change came
 * 600 ms after the fault; about half the routers have the link on no shortest path.
 *
 * Conservative everywhere else: any change to a prefix LSA (or to what the grant filter lets
 * through), to our own links, or to a link touching us runs the SPF. Two-way as in runSpf: a
 * directed edge a→b counts only while b's LSA lists a too; its cost is a's listed one.
 */
import type { AdjacencyEntry, Name } from '../wire/index.js';
import type { LocalLink } from './spf.js';

export interface SpfInputs {
  /** Adjacency LSAs by origin key: the LSA object (identity says "unchanged") and its list. */
  readonly adjacencies: ReadonlyMap<string, { readonly lsa: object; readonly neighbors: readonly AdjacencyEntry[] }>;
  /** Prefix LSAs by origin key and part: the entries routes may use (identity, as the filter memoizes). */
  readonly prefixes: ReadonlyMap<string, readonly object[]>;
  readonly localLinks: readonly LocalLink[];
}

export function spfInputs(self: Name, adjacencies: Iterable<{ readonly origin: Name; readonly neighbors: readonly AdjacencyEntry[] }>,
  prefixes: Iterable<{ readonly key: string; readonly entries: readonly object[] }>, localLinks: readonly LocalLink[]): SpfInputs & { self: string } {
  const a = new Map<string, { lsa: object; neighbors: readonly AdjacencyEntry[] }>();
  for (const l of adjacencies) a.set(l.origin.key, { lsa: l, neighbors: l.neighbors });
  const p = new Map<string, readonly object[]>();
  for (const x of prefixes) p.set(x.key, x.entries);
  return { self: self.key, adjacencies: a, prefixes: p, localLinks };
}

/** What the last Dijkstra found: distance and first-hop set (indices into its local links) per router key. */
export interface SpfTree {
  readonly distances: ReadonlyMap<string, number>;
  readonly firstHops: ReadonlyMap<string, readonly number[]>;
}

/**
 * True when the routes computed from `prev` (whose shortest-path tree is `tree`) may differ
 * from those of `next`; false only when they certainly do not.
 *
 * A link a→b that went away (or got dearer) and was on our shortest paths (d[a] + c = d[b])
 * still changes nothing when b keeps its distance and its first hops through its other
 * predecessors (other links x→b with d[x] + c = d[b]): in a grid every link is on someone's
 * shortest path to one of its ends, but nearly every router has another path as short with the
 * same first hop. Costs are positive, so predecessors are nearer than b and, checked from the
 * nearest affected router outwards, keep their own values: the old tree answers exactly.
 */
export function routesMayChange(self: string, prev: SpfInputs, next: SpfInputs, tree: SpfTree): boolean {
  if (!sameLocalLinks(prev.localLinks, next.localLinks)) return true;
  if (prev.prefixes.size !== next.prefixes.size) return true;
  for (const [k, e] of next.prefixes) if (prev.prefixes.get(k) !== e) return true;
  const changed = new Map<string, readonly AdjacencyEntry[] | undefined>();
  for (const [k, x] of next.adjacencies) if (prev.adjacencies.get(k)?.lsa !== x.lsa) changed.set(k, prev.adjacencies.get(k)?.neighbors);
  for (const [k, x] of prev.adjacencies) if (!next.adjacencies.has(k)) changed.set(k, x.neighbors);
  return adjacencyChangesMatter(self, changed, (k) => next.adjacencies.get(k)?.neighbors, tree);
}

/**
 * The core of routesMayChange for a router that knows what changed (its LSDB's journal):
 * `changed` maps each origin whose adjacency LSA changed to the neighbors it listed before
 * (undefined: it had none); `current` gives any origin's list now.
 */
export function adjacencyChangesMatter(self: string, changed: ReadonlyMap<string, readonly AdjacencyEntry[] | undefined>,
  current: (origin: string) => readonly AdjacencyEntry[] | undefined, tree: SpfTree): boolean {
  if (changed.size === 0) return false;
  if (changed.has(self)) return true;
  const before = (k: string) => (changed.has(k) ? changed.get(k) : current(k));
  const d = (k: string) => tree.distances.get(k) ?? Infinity;
  const gone: [string, string, number][] = [];
  const added: [string, string, number][] = [];
  const seen = new Set<string>();
  for (const u of changed.keys()) {
    const others = new Set<string>();
    for (const e of before(u) ?? []) others.add(e.neighbor.key);
    for (const e of current(u) ?? []) others.add(e.neighbor.key);
    for (const v of others) {
      if (v === self) return true;
      for (const [a, b] of [[u, v], [v, u]] as const) {
        if (seen.has(`${a} ${b}`)) continue;
        seen.add(`${a} ${b}`);
        const co = edgeCost(before, a, b);
        const cn = edgeCost(current, a, b);
        if (co === cn) continue;
        if (!(co > 0 && cn > 0)) return true; // zero or negative costs: no shortcut
        if (cn < co) added.push([a, b, cn]);
        else if (d(a) !== Infinity && d(a) + co === d(b)) gone.push([a, b, co]);
      }
    }
  }
  // Links gone from our shortest paths: does each far end keep its distance and first hops?
  const goneInto = new Map<string, Set<string>>();
  for (const [a, b] of gone) (goneInto.get(b) ?? goneInto.set(b, new Set()).get(b)!).add(a);
  for (const [b, from] of goneInto) {
    const db = d(b);
    const hops = new Set<number>();
    let preds = 0;
    for (const e of current(b) ?? []) {
      const x = e.neighbor.key;
      if (from.has(x) || d(x) === Infinity) continue;
      const c = edgeCost(current, x, b);
      if (c !== edgeCost(before, x, b) || d(x) + c !== db) continue;
      if (x === self) return true;
      preds++;
      for (const h of tree.firstHops.get(x) ?? []) hops.add(h);
    }
    const old = tree.firstHops.get(b) ?? [];
    if (preds === 0 || hops.size !== old.length || old.some((h) => !hops.has(h))) return true;
  }
  // Links that appeared (or got cheaper): distances are as before, so the old ones decide.
  for (const [a, b, c] of added) if (d(a) + c <= d(b)) return true;
  return false;
}

/** Cost of the usable directed edge a→b (a lists b, b lists a), Infinity when there is none. */
function edgeCost(lists: (origin: string) => readonly AdjacencyEntry[] | undefined, a: string, b: string): number {
  const la = lists(a);
  const lb = lists(b);
  if (!la || !lb || !lb.some((e) => e.neighbor.key === a)) return Infinity;
  let c = Infinity;
  for (const e of la) if (e.neighbor.key === b && e.cost < c) c = e.cost;
  return c;
}

export function sameLocalLinks(a: readonly LocalLink[], b: readonly LocalLink[]): boolean {
  return a.length === b.length && a.every((l, i) => l.iface === b[i]!.iface && l.cost === b[i]!.cost && l.neighbor.key === b[i]!.neighbor.key);
}
