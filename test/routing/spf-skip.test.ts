/**
 * The SPF skip (src/routing/spf-skip.ts) against the real thing: on random graphs and random
 * changes (links gone, added, cheaper, dearer, one-way, an origin's LSA gone or new), whenever
 * it says "routes cannot change", a full SPF over the new LSDB gives exactly the old routes.
 * And it does skip: in a grid, a link far from a router's shortest paths costs it no SPF.
 */
import assert from 'node:assert/strict';
import { runSpf, type LocalLink, type RibEntry } from '../../src/routing/index.js';
import { routesMayChange, spfInputs } from '../../src/routing/spf-skip.js';
import type { AdjacencyEntry } from '../../src/wire/messages.js';
import { Name } from '../../src/wire/name.js';

const R = (i: number) => Name.parse(`/damc/router/r${i}`);
type Lists = Map<number, { v: number; cost: number }[]>;

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5 >>> 0) / 2 ** 32);
}

/** The LSA objects of a graph: same list object -> same LSA object (what the LSDB keeps). */
function lsas(lists: Lists, cache: Map<object, { origin: Name; neighbors: AdjacencyEntry[] }>) {
  return [...lists].map(([u, l]) => {
    let x = cache.get(l);
    if (!x) cache.set(l, (x = { origin: R(u), neighbors: l.map((e) => ({ neighbor: R(e.v), cost: e.cost })) }));
    return x;
  });
}

const prefixes = (n: number) => Array.from({ length: n }, (_, i) => ({ origin: R(i), prefixes: [{ prefix: Name.parse(`/P${i % 3}`), cost: i % 2 }] }));
const routes = (rib: readonly RibEntry[]) => JSON.stringify(rib.map((e) => [e.prefix.key, e.cost, e.local, e.nexthops.map((h) => [h.iface, h.neighbor.key, h.cost])]).sort());

describe('routing: SPF skipped for changes on none of our shortest paths', () => {
  it('never skips a change that changes the routes or the tree it keeps (2,000 random graphs, 5 changes each), and skips some', () => {
    let skipped = 0, steps = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = rng(seed);
      const n = 3 + Math.floor(rnd() * 9);
      let lists: Lists = new Map();
      for (let u = 0; u < n; u++) lists.set(u, []);
      for (let u = 0; u < n; u++) {
        for (let v = u + 1; v < n; v++) {
          if (rnd() < 0.4) {
            lists.get(u)!.push({ v, cost: 1 + Math.floor(rnd() * 3) });
            if (rnd() > 0.1) lists.get(v)!.push({ v: u, cost: 1 + Math.floor(rnd() * 3) });
          }
        }
      }
      const self = 0;
      const local = (l: Lists): LocalLink[] => (l.get(self) ?? []).map((e, i) => ({ iface: `eth${i}`, neighbor: R(e.v), cost: e.cost }));
      const cache = new Map<object, { origin: Name; neighbors: AdjacencyEntry[] }>();
      const pf = prefixes(n);
      const pi = pf.map((p) => ({ key: `${p.origin.key} 0`, entries: p.prefixes }));
      // What Routes keeps: the inputs of the last decision and the tree of the last full run.
      let inputs = spfInputs(R(self), lsas(lists, cache), pi, local(lists));
      let tree = runSpf({ self: R(self), adjacencies: lsas(lists, cache), prefixes: pf, localLinks: local(lists) });
      for (let step = 0; step < 5; step++) {
        steps++;
        const next: Lists = new Map(lists);
        const touch = 1 + Math.floor(rnd() * 3);
        for (let t = 0; t < touch; t++) {
          const u = 1 + Math.floor(rnd() * (n - 1));
          if (!next.has(u)) continue;
          const l = [...next.get(u)!];
          const what = rnd();
          if (what < 0.25 && l.length) {
            // A link down: both ends stop listing each other (what a carrier loss gives).
            const [e] = l.splice(Math.floor(rnd() * l.length), 1);
            if (e!.v !== self && next.has(e!.v)) next.set(e!.v, next.get(e!.v)!.filter((x) => x.v !== u));
          } else if (what < 0.4 && l.length) l.splice(Math.floor(rnd() * l.length), 1);
          else if (what < 0.6) l.push({ v: Math.floor(rnd() * n), cost: 1 + Math.floor(rnd() * 4) });
          else if (what < 0.85 && l.length) { const k = Math.floor(rnd() * l.length); l[k] = { ...l[k]!, cost: 1 + Math.floor(rnd() * 4) }; }
          else if (what < 0.92) { next.delete(u); continue; }
          next.set(u, l);
        }
        const after = lsas(next, cache);
        const b = spfInputs(R(self), after, pi, local(next));
        const full = runSpf({ self: R(self), adjacencies: after, prefixes: pf, localLinks: local(next) });
        if (!routesMayChange(inputs.self, inputs, b, tree)) {
          skipped++;
          assert.equal(routes(full.rib), routes(tree.rib), `seed ${seed} step ${step}: skipped, but the routes changed`);
          assert.deepEqual([...full.distances].sort(), [...tree.distances].sort(), `seed ${seed} step ${step}: distances`);
          assert.deepEqual([...full.firstHops].sort(), [...tree.firstHops].sort(), `seed ${seed} step ${step}: first hops`);
        } else tree = full;
        inputs = b;
        lists = next;
      }
    }
    console.log(`      ${skipped} of ${steps} changes skipped`);
    assert.ok(skipped > steps / 10, `skipped only ${skipped} of ${steps}`);
  });

  it('any change to prefixes, to our own links or to a link of ours runs it', () => {
    const lists: Lists = new Map([[0, [{ v: 1, cost: 1 }]], [1, [{ v: 0, cost: 1 }, { v: 2, cost: 1 }]], [2, [{ v: 1, cost: 1 }]]]);
    const cache = new Map<object, { origin: Name; neighbors: AdjacencyEntry[] }>();
    const adj = lsas(lists, cache);
    const local: LocalLink[] = [{ iface: 'eth1', neighbor: R(1), cost: 1 }];
    const e1 = [{}], e2 = [{}];
    const dist = runSpf({ self: R(0), adjacencies: adj, prefixes: [], localLinks: local });
    const base = spfInputs(R(0), adj, [{ key: 'x', entries: e1 }], local);
    assert.equal(routesMayChange(base.self, base, spfInputs(R(0), adj, [{ key: 'x', entries: e1 }], local), dist), false, 'nothing changed');
    assert.equal(routesMayChange(base.self, base, spfInputs(R(0), adj, [{ key: 'x', entries: e2 }], local), dist), true, 'prefixes');
    assert.equal(routesMayChange(base.self, base, spfInputs(R(0), adj, [{ key: 'x', entries: e1 }], [{ ...local[0]!, cost: 2 }]), dist), true, 'own link cost');
    const l1 = new Map(lists);
    l1.set(1, [{ v: 2, cost: 1 }]); // r1 no longer lists us
    assert.equal(routesMayChange(base.self, base, spfInputs(R(0), lsas(l1, cache), [{ key: 'x', entries: e1 }], local), dist), true, 'a link of ours');
  });

  it('in a 16×16 grid, a link going down costs SPF only to the routers it had shortest paths through', () => {
    const W = 16;
    const lists: Lists = new Map();
    for (let i = 0; i < W * W; i++) {
      const x = i % W, y = Math.floor(i / W);
      lists.set(i, [x > 0 && i - 1, x < W - 1 && i + 1, y > 0 && i - W, y < W - 1 && i + W].filter((v): v is number => v !== false).map((v) => ({ v, cost: 1 })));
    }
    // The link 119–120 (row 7, columns 7–8) goes down: 119 stops listing 120.
    const next = new Map(lists);
    next.set(119, lists.get(119)!.filter((e) => e.v !== 120));
    const cache = new Map<object, { origin: Name; neighbors: AdjacencyEntry[] }>();
    const before = lsas(lists, cache), after = lsas(next, cache);
    let ran = 0, wrong = 0;
    for (let self = 0; self < W * W; self++) {
      if (self === 119 || self === 120) continue;
      const local = (l: Lists) => l.get(self)!.map((e, i) => ({ iface: `eth${i}`, neighbor: R(e.v), cost: 1 }));
      const r0 = runSpf({ self: R(self), adjacencies: before, prefixes: [], localLinks: local(lists) });
      const a = spfInputs(R(self), before, [], local(lists)), b = spfInputs(R(self), after, [], local(next));
      if (routesMayChange(a.self, a, b, r0)) ran++;
      else if (routes(runSpf({ self: R(self), adjacencies: after, prefixes: [], localLinks: local(next) }).rib) !== routes(r0.rib)) wrong++;
    }
    assert.equal(wrong, 0);
    console.log(`      ${ran} of 254 routers run SPF, ${254 - ran} skip it`);
    assert.ok(ran < 60, `${ran} of 254 ran SPF`);
  });
});

describe('routing: route computation with the LSDB journal (Routes, skip or run)', () => {
  it('keeps routes equal to a full SPF over the LSDB through 300 random LSA installs, flushes and expiries', async () => {
    const { Lsdb, newCounters } = await import('../../src/routing/index.js');
    const { Routes } = await import('../../src/routing/routes.js');
    const rnd = rng(7);
    const n = 14;
    const lsdb = new Lsdb();
    const counters = newCounters();
    let now = 0;
    const seq = new Map<number, bigint>();
    const timers = { spfInitialHoldMs: 0, spfMaxHoldMs: 0 } as never;
    const c = { name: R(0), timers, counters, lsdb, crypto: {} as never, now: () => now, send: () => true, event: () => undefined };
    // Our own links: to r1 and r2, always up (both list us back, below).
    const local: LocalLink[] = [{ iface: 'eth1', neighbor: R(1), cost: 1 }, { iface: 'eth2', neighbor: R(2), cost: 2 }];
    const rt = new Routes(c, () => local);
    const lists: Lists = new Map();
    for (let u = 0; u < n; u++) lists.set(u, []);
    const put = (u: number, lifetimeS = 100) => {
      const s = (seq.get(u) ?? 0n) + 1n;
      seq.set(u, s);
      lsdb.install({ kind: 'adjacency', origin: R(u), seq: s, lifetimeS, signature: new Uint8Array(64), neighbors: (lists.get(u) ?? []).map((e) => ({ neighbor: R(e.v), cost: e.cost })) }, now, u === 0);
    };
    lists.set(0, [{ v: 1, cost: 1 }, { v: 2, cost: 2 }]);
    for (let u = 1; u < n; u++) for (let v = u + 1; v < n; v++) if (rnd() < 0.3) { lists.get(u)!.push({ v, cost: 1 + Math.floor(rnd() * 3) }); lists.get(v)!.push({ v: u, cost: 1 + Math.floor(rnd() * 3) }); }
    lists.get(1)!.push({ v: 0, cost: 1 });
    lists.get(2)!.push({ v: 0, cost: 1 });
    for (let u = 0; u < n; u++) put(u);
    const check = (what: string) => {
      rt.request(now);
      rt.runIfDue();
      const adjacencies = lsdb.all().map((e) => e.lsa).filter((l) => l.kind === 'adjacency');
      const full = runSpf({ self: R(0), adjacencies, prefixes: [], localLinks: local });
      assert.equal(routes(rt.rib()), routes(full.rib), what);
    };
    check('start');
    for (let step = 0; step < 300; step++) {
      now += 1000;
      const u = 3 + Math.floor(rnd() * (n - 3));
      const what = rnd();
      const l = lists.get(u)!;
      if (what < 0.3 && l.length) {
        const [e] = l.splice(Math.floor(rnd() * l.length), 1);
        if (e!.v >= 3) { lists.set(e!.v, lists.get(e!.v)!.filter((x) => x.v !== u)); put(e!.v); }
        put(u);
      } else if (what < 0.6) {
        const v = 1 + Math.floor(rnd() * (n - 1));
        if (v !== u && !l.some((x) => x.v === v)) { l.push({ v, cost: 1 + Math.floor(rnd() * 3) }); lists.get(v)!.push({ v: u, cost: 1 + Math.floor(rnd() * 3) }); put(v); put(u); }
      } else if (what < 0.85 && l.length) {
        const k = Math.floor(rnd() * l.length);
        l[k] = { ...l[k]!, cost: 1 + Math.floor(rnd() * 4) };
        put(u);
      } else if (what < 0.93) put(u, 0); // flushed
      else { lsdb.install({ kind: 'adjacency', origin: R(u), seq: (seq.get(u) ?? 0n) + 1n, lifetimeS: 1, signature: new Uint8Array(64), neighbors: [] }, now); seq.set(u, (seq.get(u) ?? 0n) + 1n); now += 2000; lsdb.expire(now); }
      check(`step ${step}`);
    }
    assert.ok(counters.spfSkipped > 20, `skipped ${counters.spfSkipped}`);
    assert.ok(counters.spfRuns > 20, `ran ${counters.spfRuns}`);
    console.log(`      ${counters.spfRuns} SPF runs, ${counters.spfSkipped} skipped`);
  });
});
