/**
 * Pure: the lab as a picture. The model the page draws (nodes by role, links with state and
 * impairments), the draft's Figure 2 layout for figure2-shaped labs, and static DOT and
 * Mermaid text for `lab graph --format`.
 */
export interface GraphNode { id: string; kind: string; x?: number; y?: number }
export interface GraphLink {
  id: string;
  source: string;
  target: string;
  /** "sg1:eth3" and "sr1:eth1". */
  a: string;
  b: string;
  up: boolean;
  /** Impairments leaving each end ("-" when none). */
  netemA: string;
  netemB: string;
}
export interface GraphModel { lab: string; nodes: GraphNode[]; links: GraphLink[] }

export const ROLE: Record<string, string> = {
  'damc-sg': 'SG', 'damc-sr': 'SR', 'damc-spa': 'SPA', 'damc-scsc': 'SCSC', 'damc-pod': 'pod', linux: 'linux',
};

/**
 * The draft's Figure 2 as drawn: SCSC on top between pods 1 and 2, SG-1/SG-2 with their SPAs
 * outside, SR-1/SR-2 across, SR-3 in the middle, SG-3/SG-4 and SPAs below, pods 3 and 4 at
 * the bottom.
 */
export const FIGURE2_LAYOUT: Record<string, [number, number]> = {
  scsc: [0, -330], pod1: [-300, -330], pod2: [300, -330],
  spa1: [-500, -170], sg1: [-300, -170], sg2: [300, -170], spa2: [500, -170],
  sr1: [-140, -40], sr2: [140, -40], sr3: [0, 100],
  spa3: [-500, 230], sg3: [-300, 230], sg4: [300, 230], spa4: [500, 230],
  pod3: [-300, 380], pod4: [300, 380],
};

/** Positions from the Figure 2 layout when every node has one there; else the page lays it out. */
export function layoutNodes(nodes: GraphNode[]): GraphNode[] {
  const all = nodes.every((n) => FIGURE2_LAYOUT[n.id]);
  return nodes.map((n) => (all ? { ...n, x: FIGURE2_LAYOUT[n.id]![0], y: FIGURE2_LAYOUT[n.id]![1] } : n));
}

export const linkId = (a: string, b: string): string => `${a}--${b}`;

export function linkLabel(l: GraphLink): string {
  const parts = [];
  if (l.netemA !== '-') parts.push(`${l.a}→: ${l.netemA}`);
  if (l.netemB !== '-') parts.push(`${l.b}→: ${l.netemB}`);
  return parts.join('\n');
}

const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;

export function toDot(m: GraphModel): string {
  const shape: Record<string, string> = { SG: 'box', SR: 'ellipse', SPA: 'hexagon', SCSC: 'doubleoctagon', pod: 'folder', linux: 'box3d' };
  const lines = [`graph ${q(m.lab)} {`, '  node [fontname="Helvetica"];'];
  for (const n of m.nodes) {
    const role = ROLE[n.kind] ?? n.kind;
    lines.push(`  ${q(n.id)} [label=${q(`${n.id}\\n${role}`)}, shape=${shape[role] ?? 'box'}];`);
  }
  for (const l of m.links) {
    const attrs = [`taillabel=${q(l.a.split(':')[1]!)}`, `headlabel=${q(l.b.split(':')[1]!)}`];
    if (!l.up) attrs.push('color=red', 'style=dashed');
    const lab = linkLabel(l);
    if (lab) attrs.push(`label=${q(lab.replace(/\n/g, '\\n'))}`);
    lines.push(`  ${q(l.source)} -- ${q(l.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function toMermaid(m: GraphModel): string {
  const open: Record<string, [string, string]> = { SG: ['[', ']'], SR: ['((', '))'], SPA: ['{{', '}}'], SCSC: ['[[', ']]'], pod: ['[/', '/]'], linux: ['(', ')'] };
  const lines = ['graph TD'];
  for (const n of m.nodes) {
    const role = ROLE[n.kind] ?? n.kind;
    const [o, c] = open[role] ?? ['[', ']'];
    lines.push(`  ${n.id}${o}"${n.id} ${role}"${c}`);
  }
  const down: number[] = [];
  m.links.forEach((l, k) => {
    const lab = [`${l.a.split(':')[1]}-${l.b.split(':')[1]}`, ...(linkLabel(l) ? [linkLabel(l).replace(/\n/g, ' ')] : [])].join(' ');
    lines.push(`  ${l.source} ---|"${lab}"| ${l.target}`);
    if (!l.up) down.push(k);
  });
  if (down.length) lines.push(`  linkStyle ${down.join(',')} stroke:red,stroke-dasharray:5`);
  return lines.join('\n') + '\n';
}
