/**
 * SPF + RIB + FIB build time for random sparse router graphs (average degree ~3.5, costs 1..10,
 * 10 prefixes per router), 100 / 1,000 / 5,000 routers; median of several runs after a warm-up.
 * Prints figures and one JSON line; asserts nothing.
 *   scripts/bench-spf
 */
import { buildFib, runSpf, type LocalLink, type SpfInput } from '../src/routing/index.js';
import type { AdjacencyEntry, PrefixEntry } from '../src/wire/messages.js';
import { Name } from '../src/wire/name.js';

function graph(n: number, seed: number): SpfInput {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const names = Array.from({ length: n }, (_, i) => Name.parse(`/damc/router/r${i}`));
  const adj: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const link = (a: number, b: number) => {
    if (a === b || adj[a]!.has(b)) return;
    adj[a]!.set(b, 1 + Math.floor(rnd() * 10));
    adj[b]!.set(a, 1 + Math.floor(rnd() * 10));
  };
  for (let i = 1; i < n; i++) link(i, Math.floor(rnd() * i)); // a random tree keeps it connected
  while ([...adj].reduce((t, m) => t + m.size, 0) / n < 3.5) link(Math.floor(rnd() * n), Math.floor(rnd() * n));
  const adjacencies = names.map((origin, i) => ({
    origin, neighbors: [...adj[i]!].map(([v, cost]): AdjacencyEntry => ({ neighbor: names[v]!, cost })),
  }));
  const prefixes = names.map((origin, i) => ({
    origin, prefixes: Array.from({ length: 10 }, (_, k): PrefixEntry => ({ prefix: Name.parse(`/svc${i}/p${k}`), cost: 0 })),
  }));
  const localLinks: LocalLink[] = [...adj[0]!].map(([v, cost], i) => ({ iface: `eth${i + 1}`, neighbor: names[v]!, cost }));
  return { self: names[0]!, adjacencies, prefixes, localLinks };
}

function measure(n: number): number {
  const input = graph(n, n);
  const runs = n >= 5000 ? 7 : 21;
  const times: number[] = [];
  let routes = 0;
  for (let r = 0; r < runs + 3; r++) {
    const t0 = performance.now();
    const { rib } = runSpf(input);
    const fib = buildFib(rib);
    const dt = performance.now() - t0;
    routes = fib.size;
    if (r >= 3) times.push(dt); // the first runs warm up the JIT
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${String(n).padStart(5)} routers, ${routes} FIB entries: SPF + RIB + FIB median ${median.toFixed(2)} ms (min ${times[0]!.toFixed(2)}, max ${times.at(-1)!.toFixed(2)}, ${runs} runs)`);
  return Number(median.toFixed(2));
}

const out = { spf_ms_100: measure(100), spf_ms_1000: measure(1000), spf_ms_5000: measure(5000) };
console.log(JSON.stringify(out));
