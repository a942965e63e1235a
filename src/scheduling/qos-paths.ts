/**
 * Paths by Dijkstra over the QoS-weighted topology (the draft's "path selection algorithm, such
 * as Dijkstra's algorithm ... based on both the topology information and quality detection
 * results"). The topology is the SCSC's copy of the adjacency and prefix LSAs; link quality comes
 * from class 4 samples whose reporter and target are two adjacent routers (a router measuring
 * its neighbor). Each link's cost grows by a penalty from its RTT and loss, in coarse steps so
 * that jitter does not move paths, plus a large one when it breaks the link conditions. The
 * routing core's own SPF (src/routing/spf.ts) runs twice per router, over the plain and the
 * weighted costs; where the next hops towards an instance differ, that router gets a next-hop
 * entry for the instance's prefix. Elsewhere the FIB already does the right thing.
 */
import { runSpf, type LocalLink } from '../routing/index.js';
import type { AdjacencyEntry, PolicyEntry, PrefixEntry, QosSample } from '../wire/messages.js';
import type { Name } from '../wire/name.js';
import { describeViolation, violations, type Conditions } from './conditions.js';

export interface TopologyView {
  readonly adjacencies: readonly { readonly origin: Name; readonly neighbors: readonly AdjacencyEntry[] }[];
  readonly prefixes: readonly { readonly origin: Name; readonly prefixes: readonly PrefixEntry[] }[];
}

export interface PathOptions {
  /** One cost unit per this many ms of link RTT. */
  readonly rttStepMs: number;
  /** One cost unit per this much loss (a fraction). */
  readonly lossStep: number;
  /** Added when the link breaks `linkConditions` (a congested link is avoided if any other path exists). */
  readonly breachPenalty: number;
  readonly linkConditions: Conditions;
}

export const DEFAULT_PATHS: PathOptions = {
  rttStepMs: 20,
  lossStep: 0.01,
  breachPenalty: 64,
  linkConditions: { maxRttMs: 50, maxLoss: 0.02, health: false },
};

export interface LinkPenalty {
  readonly from: Name;
  readonly to: Name;
  readonly extra: number;
  readonly reasons: readonly string[];
}

/** Penalties of the links the samples measure; samples between non-adjacent routers are ignored. */
export function linkPenalties(
  samples: Iterable<QosSample & { readonly reporter: Name }>,
  topo: TopologyView,
  opts: PathOptions = DEFAULT_PATHS,
): LinkPenalty[] {
  const adjacent = new Set<string>();
  for (const a of topo.adjacencies) for (const e of a.neighbors) adjacent.add(`${a.origin.key} ${e.neighbor.key}`);
  const out: LinkPenalty[] = [];
  for (const s of samples) {
    if (!adjacent.has(`${s.reporter.key} ${s.target.key}`)) continue;
    const v = violations(s, opts.linkConditions);
    const extra =
      Math.floor(s.rttUs / 1000 / opts.rttStepMs) + Math.floor(s.lossPpm / 1e6 / opts.lossStep) + (v.length > 0 ? opts.breachPenalty : 0);
    if (extra > 0) out.push({ from: s.reporter, to: s.target, extra, reasons: v.map(describeViolation) });
  }
  return out;
}

/** The topology with each penalised link's cost raised (in the direction measured). */
export function weightTopology(topo: TopologyView, penalties: readonly LinkPenalty[]): TopologyView {
  if (penalties.length === 0) return topo;
  const extra = new Map<string, number>();
  for (const p of penalties) extra.set(`${p.from.key} ${p.to.key}`, Math.max(extra.get(`${p.from.key} ${p.to.key}`) ?? 0, p.extra));
  return {
    prefixes: topo.prefixes,
    adjacencies: topo.adjacencies.map((a) => ({
      origin: a.origin,
      neighbors: a.neighbors.map((e) => ({ neighbor: e.neighbor, cost: e.cost + (extra.get(`${a.origin.key} ${e.neighbor.key}`) ?? 0) })),
    })),
  };
}

/** Next-hop routers from `self` per prefix (every equal-cost one), by the routing core's SPF. */
export function nexthops(topo: TopologyView, self: Name): Map<string, Name[]> {
  const mine = topo.adjacencies.find((a) => a.origin.equals(self));
  const localLinks: LocalLink[] = (mine?.neighbors ?? []).map((e) => ({ iface: e.neighbor.key, neighbor: e.neighbor, cost: e.cost }));
  const { rib } = runSpf({ self, adjacencies: topo.adjacencies, prefixes: topo.prefixes, localLinks });
  const out = new Map<string, Name[]>();
  for (const r of rib) if (!r.local) out.set(r.prefix.key, r.nexthops.map((h) => h.neighbor));
  return out;
}

/**
 * Per router, next-hop entries for the `targets` (instance prefixes) whose QoS-weighted next
 * hops differ from the plain ones. Empty when no link is penalised.
 */
export function pathEntries(topo: TopologyView, penalties: readonly LinkPenalty[], targets: readonly Name[]): Map<string, PolicyEntry[]> {
  const out = new Map<string, PolicyEntry[]>();
  if (penalties.length === 0 || targets.length === 0) return out;
  const weighted = weightTopology(topo, penalties);
  for (const a of topo.adjacencies) {
    const plain = nexthops(topo, a.origin);
    const qos = nexthops(weighted, a.origin);
    const entries: PolicyEntry[] = [];
    for (const t of targets) {
      const p = plain.get(t.key) ?? [];
      const q = qos.get(t.key) ?? [];
      if (q.length === 0 || sameSet(p, q)) continue;
      entries.push({ prefix: t, instances: [], nexthops: q.map((name) => ({ name, weight: 1 })) });
    }
    if (entries.length > 0) out.set(a.origin.key, entries);
  }
  return out;
}

function sameSet(a: readonly Name[], b: readonly Name[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => y.equals(x)));
}
