/**
 * The FIB every router should hold, in the ctl's JSON shape, computed straight from the node
 * configs (i.e. from the topology YAML) with Floyd–Warshall — no routing code involved.
 */
import type { NodeConfig } from '../../src/node/config.js';

export interface FibEntry { prefix: string; nexthops: { interface: string; neighbor: string; cost: number }[] }

const isRouter = (k: string) => k === 'damc-sg' || k === 'damc-sr' || k === 'damc-scsc';

/** `down`: links cut, as "node:iface" of either end; `dead`: routers that are gone. */
export function expectedFibs(cfgs: Map<string, NodeConfig>, down = new Set<string>(), dead = new Set<string>()): Map<string, FibEntry[]> {
  const routers = [...cfgs.values()].filter((c) => isRouter(c.kind) && !dead.has(c.node));
  const names = routers.map((c) => c.node);
  const d = new Map(names.map((a) => [a, new Map(names.map((b) => [b, a === b ? 0 : Infinity]))]));
  const edges: { from: string; iface: string; to: string; cost: number }[] = [];
  for (const c of routers) {
    for (const i of c.interfaces) {
      if (!isRouter(i.peerKind) || dead.has(i.peerNode) || down.has(`${c.node}:${i.name}`) || down.has(`${i.peerNode}:${i.peerIface}`)) continue;
      edges.push({ from: c.node, iface: i.name, to: i.peerNode, cost: i.cost });
      const row = d.get(c.node)!;
      row.set(i.peerNode, Math.min(row.get(i.peerNode)!, i.cost));
    }
  }
  for (const k of names) for (const i of names) for (const j of names) {
    const via = d.get(i)!.get(k)! + d.get(k)!.get(j)!;
    if (via < d.get(i)!.get(j)!) d.get(i)!.set(j, via);
  }
  const origins = new Map<string, string[]>();
  for (const c of routers) for (const p of [c.routerName, ...c.prefixes]) origins.set(p, [...(origins.get(p) ?? []), c.node]);
  const out = new Map<string, FibEntry[]>();
  for (const s of names) {
    const fib: FibEntry[] = [];
    for (const [prefix, os] of origins) {
      const best = Math.min(...os.map((o) => d.get(s)!.get(o)!));
      if (best === Infinity) continue;
      const bestOs = os.filter((o) => d.get(s)!.get(o)! === best);
      const nexthops = bestOs.includes(s) ? [] : edges
        .filter((e) => e.from === s && bestOs.some((o) => e.cost + d.get(e.to)!.get(o)! === best))
        .map((e) => ({ interface: e.iface, neighbor: e.to, cost: best }))
        .sort((a, b) => (a.interface < b.interface ? -1 : 1));
      fib.push({ prefix, nexthops });
    }
    out.set(s, fib.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0)));
  }
  return out;
}
