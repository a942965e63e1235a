/**
 * `pingall`: every router pings every other router's name over its control socket and the
 * answers make a matrix. Probes come from a list of sources, so the service plane adds its own
 * (a pod calling each service through its SG) as one more source with the same result shape.
 */
import { CONTROL_SOCKET } from '../node/config.js';
import { controlRequest } from '../node/control-client.js';
import type { PingView } from '../node/views.js';
import type { Lab, LabNode } from '../lab/index.js';
import { labLinks } from '../lab/index.js';

export interface ProbeResult { from: string; to: string; ok: boolean; /** "3 ms", "timeout", "nack no-route" */ text: string; rttMs?: number }
export interface Probe { from: string; to: string; run(): Promise<ProbeResult> }
export type ProbeSource = (nodes: LabNode[], pids: Map<string, number>, timeoutMs: number) => Probe[];

const ROUTERS = new Set(['damc-sg', 'damc-sr']);

/** Router → router by name (/damc/router/<node>), the way `lab ping` does it. */
export const routerProbes: ProbeSource = (nodes, pids, timeoutMs) => {
  const rs = nodes.filter((n) => ROUTERS.has(n.kind) && pids.has(n.name)).map((n) => n.name);
  return rs.flatMap((from) => rs.filter((to) => to !== from).map((to): Probe => ({
    from, to,
    run: async () => {
      try {
        const r = await controlRequest(`/proc/${pids.get(from)}/root${CONTROL_SOCKET}`, { cmd: 'ping', name: `/damc/router/${to}`, timeoutMs }, timeoutMs + 3000) as PingView;
        return r.result === 'ok' ? { from, to, ok: true, text: `${r.rttMs} ms`, rttMs: r.rttMs } : { from, to, ok: false, text: r.result };
      } catch (e) {
        return { from, to, ok: false, text: (e as Error).message };
      }
    },
  })));
};

/** Sources of probes; the service plane appends one (pods → services). */
export const PROBE_SOURCES: ProbeSource[] = [routerProbes];

export async function pingall(lab: Lab, timeoutMs = 1000, sources = PROBE_SOURCES): Promise<ProbeResult[]> {
  const { nodes, pids } = await labLinks(lab);
  const probes = sources.flatMap((s) => s(nodes, pids, timeoutMs));
  // One probe at a time per sender (senders in parallel): 42 pings at once on a small machine
  // measured the queueing, not the path (round trips of 50 ms instead of 2-5 ms).
  const bySender = new Map<string, Probe[]>();
  for (const p of probes) bySender.set(p.from, [...(bySender.get(p.from) ?? []), p]);
  const done = await Promise.all([...bySender.values()].map(async (ps) => {
    const out: ProbeResult[] = [];
    for (const p of ps) out.push(await p.run());
    return out;
  }));
  return done.flat();
}

/** Pure: rows are senders, columns targets; a cell is the round trip in ms or X; then the tally. */
export function formatMatrix(results: ProbeResult[]): string {
  const cmp = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const froms = [...new Set(results.map((r) => r.from))].sort(cmp);
  const tos = [...new Set(results.map((r) => r.to))].sort(cmp);
  const cell = (f: string, t: string) => {
    const r = results.find((x) => x.from === f && x.to === t);
    return !r ? '-' : r.ok ? String(r.rttMs ?? 'ok') : 'X';
  };
  const rows = [['FROM\\TO', ...tos], ...froms.map((f) => [f, ...tos.map((t) => cell(f, t))])];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
  const bad = results.filter((r) => !r.ok);
  lines.push(`${results.length - bad.length}/${results.length} answered (cells: round trip in ms; X: no answer)`);
  for (const b of bad) lines.push(`  ${b.from} -> ${b.to}: ${b.text}`);
  return lines.join('\n');
}
