/**
 * Topology generators for experiments and benchmarks: SRs in a line, ring, grid or random
 * connected graph; with `pods`, that many SGs each serving one pod with an SPA beside it,
 * attached round-robin to SRs.
 * Pure and seeded: the same arguments give the same file.
 */
import { Document, isScalar, visit } from 'yaml';
import { LabError } from '../util/errors.js';
import type { RawLink, RawNode, RawTopology } from './raw.js';
import { seededRandom } from '../util/random.js';

export const SHAPES = ['line', 'ring', 'grid', 'random'] as const;
export type Shape = (typeof SHAPES)[number];

export interface GenerateOptions {
  shape: Shape;
  nodes: number;
  seed?: number;
  pods?: number;
  name?: string;
}

function edgesOf(shape: Shape, n: number, seed: number): [number, number][] {
  const e: [number, number][] = [];
  if (shape === 'line' || shape === 'ring') {
    for (let i = 0; i + 1 < n; i++) e.push([i, i + 1]);
    if (shape === 'ring' && n > 2) e.push([n - 1, 0]);
  } else if (shape === 'grid') {
    const w = Math.ceil(Math.sqrt(n));
    for (let i = 0; i < n; i++) {
      if ((i + 1) % w !== 0 && i + 1 < n) e.push([i, i + 1]);
      if (i + w < n) e.push([i, i + w]);
    }
  } else {
    const r = seededRandom(seed);
    // A random spanning tree keeps it connected; about n/2 extra edges add cycles.
    for (let i = 1; i < n; i++) e.push([Math.floor(r() * i), i]);
    const seen = new Set(e.map(([a, b]) => `${a}-${b}`));
    for (let k = 0, tries = 0; k < Math.floor(n / 2) && tries < n * 10; tries++) {
      const a = Math.floor(r() * n);
      const b = Math.floor(r() * n);
      const [x, y] = a < b ? [a, b] : [b, a];
      if (x === y || seen.has(`${x}-${y}`)) continue;
      seen.add(`${x}-${y}`);
      e.push([x, y]);
      k++;
    }
  }
  return e;
}

export function generateTopology(o: GenerateOptions): RawTopology {
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 1000) {
    throw new LabError('GENERATE_INVALID', `--nodes ${o.nodes} is out of range`, 'give a whole number of routers from 1 to 1000');
  }
  const pods = o.pods ?? 0;
  if (!Number.isInteger(pods) || pods < 0 || pods > 1000) {
    throw new LabError('GENERATE_INVALID', `--pods ${o.pods} is out of range`, 'give a whole number of pods from 0 to 1000');
  }
  const seed = o.seed ?? 1;
  const nodes: Record<string, RawNode> = {};
  const links: RawLink[] = [];
  const nextIf = new Map<string, number>();
  const ifOf = (n: string) => {
    const k = (nextIf.get(n) ?? 0) + 1;
    nextIf.set(n, k);
    return `${n}:eth${k}`;
  };
  const sr = (i: number) => `sr${i + 1}`;
  for (let i = 0; i < o.nodes; i++) nodes[sr(i)] = { kind: 'damc-sr' };
  for (const [a, b] of edgesOf(o.shape, o.nodes, seed)) links.push({ endpoints: [ifOf(sr(a)), ifOf(sr(b))] });
  for (let k = 1; k <= pods; k++) {
    const sg = `sg${k}`;
    const pod = `pod${k}`;
    nodes[sg] = { kind: 'damc-sg' };
    // Every pod hosts an instance of the shared pool A and its own service S<k>.
    nodes[pod] = { kind: 'damc-pod', services: [`A/${k}`, `S${k}/1`] };
    links.push({ endpoints: [ifOf(pod), ifOf(sg)] });
    // Its SPA beside it: an SG advertises only what its SPA grants.
    nodes[`spa${k}`] = { kind: 'damc-spa' };
    links.push({ endpoints: [ifOf(`spa${k}`), ifOf(sg)] });
    links.push({ endpoints: [ifOf(sg), ifOf(sr(Math.floor(((k - 1) * o.nodes) / pods)))] });
  }
  return {
    name: o.name ?? `${o.shape}${o.nodes}${pods ? `p${pods}` : ''}`,
    topology: { nodes, links },
  };
}

export function topologyToYaml(t: RawTopology, comment?: string): string {
  const doc = new Document(t);
  // Short lists read best inline, as people write them: endpoints: [a:eth1, b:eth1]
  visit(doc, { Seq: (_k, node) => { node.flow = node.items.every((i) => isScalar(i)); } });
  visit(doc, { Map: (_k, node, path) => { if (path.length >= 6) node.flow = true; } });
  const body = doc.toString({ flowCollectionPadding: false });
  return (comment ? comment.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '') + body;
}
