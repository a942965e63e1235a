/**
 * Links of a running lab, found from the containers' damc.ifaces labels (no topology needed),
 * and pulling a cable: `down` takes both ends of a veth down, so both nodes lose carrier
 * (Mininet's `link s1 s2 down`); `up` brings both back.
 */
import { LabError } from '../util/errors.js';
import type { Lab } from './lab.js';
import { LABEL_IFACES, LABEL_KIND, LABEL_NODE } from './labels.js';

export interface LinkEnd { node: string; iface: string }
export interface LabNode { name: string; kind: string; id: string; running: boolean }
export interface LabLink {
  a: LinkEnd;
  b: LinkEnd;
  /** operstate of each end ("up", "down", "lowerlayerdown", "absent"). */
  aState?: string;
  bState?: string;
}

export const endName = (e: LinkEnd): string => `${e.node}:${e.iface}`;
export const linkName = (l: LabLink): string => `${endName(l.a)} <-> ${endName(l.b)}`;
/** A link is up when both ends are. */
export const linkUp = (l: LabLink): boolean => l.aState === 'up' && l.bState === 'up';

/** Pure: the links from each node's iface label (each veth once, a before b by name). */
export function linksFromLabels(nodes: { node: string; ifaces: Record<string, string> }[]): LabLink[] {
  const seen = new Set<string>();
  const out: LabLink[] = [];
  for (const n of nodes) {
    for (const [iface, peer] of Object.entries(n.ifaces)) {
      const [pn = '', pi = ''] = peer.split(':');
      const x = { node: n.node, iface };
      const y = { node: pn, iface: pi };
      const [a, b] = endName(x) < endName(y) ? [x, y] : [y, x];
      const key = `${endName(a)} ${endName(b)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ a, b });
    }
  }
  const cmp = (s: string, t: string) => s.localeCompare(t, 'en', { numeric: true });
  return out.sort((l, m) => cmp(endName(l.a), endName(m.a)) || cmp(endName(l.b), endName(m.b)));
}

/** Pure: the links a person named: ["sg1:eth3"] (that veth) or ["sg1", "sr1"] (every link between them). */
export function selectLinks(links: LabLink[], what: string[]): LabLink[] {
  const has = (l: LabLink, n: string) => l.a.node === n || l.b.node === n;
  if (what.length === 1 && what[0]!.includes(':')) {
    const [node, iface] = what[0]!.split(':');
    const l = links.find((x) => (x.a.node === node && x.a.iface === iface) || (x.b.node === node && x.b.iface === iface));
    if (!l) {
      const mine = links.filter((x) => has(x, node!)).map((x) => (x.a.node === node ? endName(x.a) : endName(x.b)));
      throw new LabError('LINK_NOT_FOUND', `no link at ${what[0]}`, mine.length ? `${node}'s links: ${mine.join(', ')}` : `is ${node} a node of this lab?`);
    }
    return [l];
  }
  if (what.length === 2 && !what.some((w) => w.includes(':'))) {
    const [p, q] = what as [string, string];
    const found = links.filter((l) => has(l, p) && has(l, q) && p !== q);
    if (!found.length) {
      const peers = [...new Set(links.filter((l) => has(l, p)).map((l) => (l.a.node === p ? l.b.node : l.a.node)))];
      throw new LabError('LINK_NOT_FOUND', `no link between ${p} and ${q}`, peers.length ? `${p} is linked to: ${peers.join(', ')}` : `is ${p} a node of this lab?`);
    }
    return found;
  }
  throw new LabError('LINK_ARGS', `'${what.join(' ')}' names no link`, 'write <node>:<iface> (one veth) or <node> <node> (every link between the two)');
}

/** The lab's nodes and links with each end's state, read from the machine. */
export async function labLinks(lab: Lab): Promise<{ nodes: LabNode[]; links: LabLink[]; pids: Map<string, number> }> {
  await lab.ctx.runtime.ping();
  const cs = await lab.ctx.runtime.list({ 'damc.lab': lab.name });
  if (!cs.length) throw new LabError('LAB_NOT_DEPLOYED', `lab ${lab.name} has no containers`, 'deploy it first: ./lab deploy <topology>');
  const nodes = cs.map((c) => ({ name: c.labels[LABEL_NODE] ?? c.name, kind: c.labels[LABEL_KIND] ?? '?', id: c.id, running: c.state === 'running' }));
  const links = linksFromLabels(cs.map((c) => ({ node: c.labels[LABEL_NODE] ?? c.name, ifaces: parse(c.labels[LABEL_IFACES]) })));
  const pids = new Map<string, number>();
  await Promise.all(nodes.filter((n) => n.running).map(async (n) => {
    const i = await lab.ctx.runtime.inspect(n.id);
    if (i.pid > 0) pids.set(n.name, i.pid);
  }));
  const state = async (e: LinkEnd) => {
    const pid = pids.get(e.node);
    return (pid ? await lab.ctx.net.operstate(pid, e.iface) : undefined) ?? 'absent';
  };
  await Promise.all(links.map(async (l) => { [l.aState, l.bState] = await Promise.all([state(l.a), state(l.b)]); }));
  nodes.sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
  return { nodes, links, pids };
}

export interface LinkChange { links: LabLink[]; action: 'down' | 'up'; ms: number }

/** Takes both ends of each named link down (or up), each end in its own namespace. */
export async function setLinks(lab: Lab, what: string[], action: 'down' | 'up'): Promise<LinkChange> {
  const t0 = performance.now();
  const { links, pids } = await labLinks(lab);
  const chosen = selectLinks(links, what);
  await Promise.all(chosen.flatMap((l) => [l.a, l.b]).map((e) => {
    const pid = pids.get(e.node);
    if (!pid) throw new LabError('NODE_NOT_RUNNING', `node ${e.node} of lab ${lab.name} is not running`, `./lab restart --lab ${lab.name} ${e.node}`);
    return lab.ctx.net.batchIn(pid, [`link set ${e.iface} ${action}`]);
  }));
  return { links: chosen, action, ms: Math.round(performance.now() - t0) };
}

function parse(label: string | undefined): Record<string, string> {
  try {
    return label ? (JSON.parse(label) as Record<string, string>) : {};
  } catch {
    return {};
  }
}
