import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runSpf, type LocalLink } from '../../src/routing/index.js';
import type { AdjacencyEntry, PrefixEntry } from '../../src/wire/messages.js';
import { Name } from '../../src/wire/name.js';

const R = (i: number) => Name.parse(`/damc/router/r${i}`);

interface Graph {
  n: number;
  /** listed[u] = entries u's adjacency LSA lists (some one-way, some parallel). */
  listed: { v: number; cost: number }[][];
  prefixes: { origin: number; prefix: string; cost: number }[];
}

function randomGraph(seed: number): Graph {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5 >>> 0) / 2 ** 32);
  const n = 2 + Math.floor(rnd() * 8);
  const listed: Graph['listed'] = Array.from({ length: n }, () => []);
  for (let u = 0; u < n; u++) {
    for (let v = u + 1; v < n; v++) {
      if (rnd() < 0.45) {
        const one = rnd() < 0.15; // a half-up adjacency: only one side lists the other
        listed[u]!.push({ v, cost: 1 + Math.floor(rnd() * 3) });
        if (!one) listed[v]!.push({ v: u, cost: 1 + Math.floor(rnd() * 3) });
        if (rnd() < 0.1) listed[u]!.push({ v, cost: 1 + Math.floor(rnd() * 3) }); // parallel link
      }
    }
  }
  const prefixes: Graph['prefixes'] = [];
  for (let i = 0; i < 4; i++) {
    const origins = 1 + Math.floor(rnd() * 2);
    for (let j = 0; j < origins; j++) prefixes.push({ origin: Math.floor(rnd() * n), prefix: `/P${i}`, cost: Math.floor(rnd() * 2) });
  }
  return { n, listed, prefixes };
}

/** Floyd–Warshall over edges both ends list (cost = the lister's cheapest entry). */
function allPairs(g: Graph): number[][] {
  const d = Array.from({ length: g.n }, (_, i) => Array.from({ length: g.n }, (_, j) => (i === j ? 0 : Infinity)));
  for (let u = 0; u < g.n; u++) {
    for (const e of g.listed[u]!) {
      if (g.listed[e.v]!.some((x) => x.v === u)) d[u]![e.v] = Math.min(d[u]![e.v]!, e.cost);
    }
  }
  for (let k = 0; k < g.n; k++)
    for (let i = 0; i < g.n; i++)
      for (let j = 0; j < g.n; j++) if (d[i]![k]! + d[k]![j]! < d[i]![j]!) d[i]![j] = d[i]![k]! + d[k]![j]!;
  return d;
}

function localLinks(g: Graph, s: number): LocalLink[] {
  return g.listed[s]!.map((e, i) => ({ iface: `eth${i + 1}`, neighbor: R(e.v), cost: e.cost }));
}

/** Expected routes of source s: per destination, cost, local flag and sorted next-hop interfaces. */
function expected(g: Graph, s: number): Map<string, { cost: number; local: boolean; ifaces: string[] }> {
  const d = allPairs(g);
  const links = g.listed[s]!.map((e, i) => ({ ...e, iface: `eth${i + 1}` })).filter((e) => g.listed[e.v]!.some((x) => x.v === s));
  const dests = new Map<string, { origin: number; extra: number }[]>();
  for (let r = 0; r < g.n; r++) dests.set(R(r).key, [{ origin: r, extra: 0 }]);
  for (const p of g.prefixes) {
    const l = dests.get(p.prefix) ?? [];
    l.push({ origin: p.origin, extra: p.cost });
    dests.set(p.prefix, l);
  }
  const out = new Map<string, { cost: number; local: boolean; ifaces: string[] }>();
  for (const [prefix, origins] of dests) {
    const best = Math.min(...origins.map((o) => d[s]![o.origin]! + o.extra));
    if (best === Infinity) continue;
    const bestOrigins = origins.filter((o) => d[s]![o.origin]! + o.extra === best);
    const local = bestOrigins.some((o) => o.origin === s);
    const ifaces = local ? [] : links
      .filter((l) => bestOrigins.some((o) => l.cost + d[l.v]![o.origin]! + o.extra === best))
      .map((l) => l.iface);
    out.set(prefix, { cost: best, local, ifaces: [...new Set(ifaces)].sort() });
  }
  return out;
}

function spfOf(g: Graph, s: number) {
  const adjacencies = g.listed.map((l, u) => ({ origin: R(u), neighbors: l.map((e): AdjacencyEntry => ({ neighbor: R(e.v), cost: e.cost })) }));
  const byOrigin = new Map<number, PrefixEntry[]>();
  for (const p of g.prefixes) byOrigin.set(p.origin, [...(byOrigin.get(p.origin) ?? []), { prefix: Name.parse(p.prefix), cost: p.cost }]);
  const prefixes = [...byOrigin].map(([o, ps]) => ({ origin: R(o), prefixes: ps }));
  return runSpf({ self: R(s), adjacencies, prefixes, localLinks: localLinks(g, s) });
}

describe('routing: SPF', () => {
  it('matches Floyd–Warshall with every equal-cost next hop, on random graphs with ties, one-way and parallel links', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const g = randomGraph(seed);
      for (let s = 0; s < g.n; s++) {
        const want = expected(g, s);
        const got = new Map(spfOf(g, s).rib.map((e) => [e.prefix.key, {
          cost: e.cost, local: e.local, ifaces: [...new Set(e.nexthops.map((h) => h.iface))].sort(),
        }]));
        assert.deepEqual(got, want, `seed ${seed}, source r${s}`);
        for (const e of spfOf(g, s).rib) for (const h of e.nexthops) assert.equal(h.cost, e.cost);
      }
    }), { numRuns: 300 });
  });

  it('ignores a link only one end lists (not two-way)', () => {
    const g: Graph = { n: 3, listed: [[{ v: 1, cost: 1 }, { v: 2, cost: 5 }], [{ v: 0, cost: 1 }, { v: 2, cost: 1 }], [{ v: 0, cost: 5 }]], prefixes: [] };
    const r2 = spfOf(g, 0).rib.find((e) => e.prefix.key === '/damc/router/r2')!;
    assert.equal(r2.cost, 5);
    assert.deepEqual(r2.nexthops.map((h) => h.iface), ['eth2']);
  });

  it('keeps both next hops of an equal-cost diamond and an anycast prefix', () => {
    // r0 - r1 - r3, r0 - r2 - r3; /B at r3
    const g: Graph = {
      n: 4,
      listed: [[{ v: 1, cost: 1 }, { v: 2, cost: 1 }], [{ v: 0, cost: 1 }, { v: 3, cost: 1 }], [{ v: 0, cost: 1 }, { v: 3, cost: 1 }], [{ v: 1, cost: 1 }, { v: 2, cost: 1 }]],
      prefixes: [{ origin: 3, prefix: '/B', cost: 0 }, { origin: 1, prefix: '/A', cost: 0 }, { origin: 2, prefix: '/A', cost: 0 }],
    };
    const rib = new Map(spfOf(g, 0).rib.map((e) => [e.prefix.key, e]));
    assert.deepEqual(rib.get('/B')!.nexthops.map((h) => [h.iface, h.neighbor.key, h.cost]), [['eth1', '/damc/router/r1', 2], ['eth2', '/damc/router/r2', 2]]);
    assert.deepEqual(rib.get('/A')!.nexthops.map((h) => h.iface), ['eth1', 'eth2']);
    assert.equal(rib.get('/damc/router/r0')!.local, true);
  });
});
