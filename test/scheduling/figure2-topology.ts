import type { TopologyView } from '../../src/scheduling/index.js';
import { Name } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const r = (x: string) => n(`/damc/router/${x}`);

/** figure2's fabric (topologies/figure2.yaml): costs 1, sg1-sg2 2; B/1 behind sg1, B/4 behind sg4. */
export function figure2(): TopologyView {
  const links: [string, string, number][] = [
    ['sg1', 'sr1', 1], ['sg2', 'sr2', 1], ['sg3', 'sr1', 1], ['sg4', 'sr2', 1], ['sg3', 'sr3', 1], ['sg4', 'sr3', 1],
    ['sr1', 'sr2', 1], ['sr1', 'sr3', 1], ['sr2', 'sr3', 1], ['sg1', 'sg2', 2],
  ];
  const adj = new Map<string, { neighbor: Name; cost: number }[]>();
  for (const [a, b, cost] of links) {
    (adj.get(a) ?? adj.set(a, []).get(a)!).push({ neighbor: r(b), cost });
    (adj.get(b) ?? adj.set(b, []).get(b)!).push({ neighbor: r(a), cost });
  }
  return {
    adjacencies: [...adj].map(([o, neighbors]) => ({ origin: r(o), neighbors })),
    prefixes: [
      { origin: r('sg1'), prefixes: [{ prefix: n('/B'), cost: 0 }, { prefix: n('/B/1'), cost: 0 }] },
      { origin: r('sg4'), prefixes: [{ prefix: n('/B'), cost: 0 }, { prefix: n('/B/4'), cost: 0 }] },
    ],
  };
}

