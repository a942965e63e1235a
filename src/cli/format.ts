/** Plain-text tables for people; --format json for tools. */
import type { DeployReport, NodeStatus } from '../lab/index.js';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One row per interface; node columns only on a node's first row. */
export function statusTable(nodes: NodeStatus[], withLab: boolean): string {
  const rows: string[][] = [];
  for (const n of nodes) {
    const first = [...(withLab ? [n.lab] : []), n.node, n.kind, n.state, n.pid ? String(n.pid) : '-', n.image];
    const blank = first.map(() => '');
    const ifs = n.interfaces.length ? n.interfaces : [undefined];
    ifs.forEach((i, k) => {
      rows.push([...(k === 0 ? first : blank), i ? `${i.name} -> ${i.peer}` : '-', i ? i.state : '', i?.mtu ? String(i.mtu) : '', i?.ipv4 ?? '']);
    });
  }
  return table([...(withLab ? ['LAB'] : []), 'NODE', 'KIND', 'STATE', 'PID', 'IMAGE', 'INTERFACE -> PEER', 'STATE', 'MTU', 'IPV4'], rows) + timersLine(nodes) + poolsLine(nodes);
}

/** Under the table: which shared router processes run how many of the lab's routers. */
function poolsLine(nodes: NodeStatus[]): string {
  const count = new Map<string, number>();
  for (const n of nodes) if (n.pool) count.set(n.pool, (count.get(n.pool) ?? 0) + 1);
  if (count.size === 0) return '';
  const pools = [...count].sort().map(([p, k]) => `${p} ${k}`).join(', ');
  return `\nrouters in shared processes (hosting: shared; PID above is the container's placeholder): ${pools}`;
}

/** One line per lab under the table: the routing timers its routers run with. */
function timersLine(nodes: NodeStatus[]): string {
  const byLab = new Map<string, NonNullable<NodeStatus['timers']>>();
  for (const n of nodes) if (n.timers && !byLab.has(n.lab)) byLab.set(n.lab, n.timers);
  return [...byLab].map(([lab, t]) => `\nrouting timers${byLab.size > 1 ? ` (${lab})` : ''}: hello ${t.helloIntervalMs} ms, dead ${t.deadIntervalMs} ms, LSA lifetime ${t.lsaLifetimeS} s, refresh ${t.lsaRefreshS} s`).join('');
}

export function deploySummary(r: DeployReport): string {
  if (r.alreadyUp) return `lab ${r.lab} is already up (${r.nodes.length} nodes); nothing changed`;
  const p = Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
  const subs = (r.substitutions ?? []).map((s) => `\n  image substituted: node ${s.node} runs ${s.with} instead of ${s.image} (--image-fallback)`).join('');
  const notes = (r.notes ?? []).map((n) => `\n  note: ${n}`).join('');
  const exited = r.exited?.length ? `\n  exited right after start (links skipped): ${r.exited.join(', ')}` : '';
  return `deployed lab ${r.lab}: ${r.nodes.length} containers, ${r.links.length} links in ${r.seconds.toFixed(2)} s (${p})\n` +
    `  image ${r.image ?? '(per-node images)'}; node configs in ${r.labDir}` + subs + notes + exited;
}

/** containerlab's `inspect` columns. */
export function clabTable(nodes: NodeStatus[]): string {
  const rows = nodes.map((n, i) => [String(i + 1), n.container, (n.id ?? '').slice(0, 12), n.image, n.kind, n.state,
    n.ipv4 ? `${n.ipv4}` : 'N/A', n.ipv6 ? `${n.ipv6}` : 'N/A']);
  return table(['#', 'NAME', 'CONTAINER ID', 'IMAGE', 'KIND', 'STATE', 'IPV4 ADDRESS', 'IPV6 ADDRESS'], rows);
}
