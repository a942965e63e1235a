/**
 * The service plane's state as people read it (`lab grants <node>`, the in-node ctl's `grants`):
 * an SG's announcements and what its SPA made of them, an SPA's grants and rejections, a pod's
 * announced prefixes. JSON shapes are those of Registrar.view(), SpaNode.view() and PodAgent.view().
 */
interface Row { [k: string]: unknown }

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

const at = (ms: unknown, now: number) => (typeof ms === 'number' ? `${Math.round((ms - now) / 1000)} s` : '-');

export function grantsTable(data: unknown, now = Date.now()): string {
  const d = data as Row;
  const out: string[] = [];
  if (Array.isArray(d.grants)) {
    // An SPA.
    const rows = [['PREFIX', 'GATEWAY', 'POD', 'EXPIRES IN']];
    for (const g of d.grants as Row[]) rows.push([String(g.prefix), String(g.gateway), String(g.pod), at(g.expires, now)]);
    out.push(render(rows));
  } else if (Array.isArray(d.prefixes) && d.gateway !== undefined) {
    // An SG.
    const rows = [['PREFIX', 'PODS', 'STATUS', 'GRANT EXPIRES IN', 'REASON']];
    for (const p of d.prefixes as Row[]) {
      rows.push([String(p.prefix), (p.pods as string[]).join(','), String(p.status), at(p.grantExpires, now), p.reason ? `${String(p.reason)}: ${String(p.reasonText ?? '')}` : '']);
    }
    out.push(render(rows));
    out.push(`SPA ${d.spaAnswering ? 'answering' : `not answering${Number(d.retryInMs) > 0 ? `; retry in ${String(d.retryInMs)} ms` : ''}`}`);
  } else if (Array.isArray(d.prefixes)) {
    // A pod's agent.
    const rows = [['PREFIX', 'STATUS', 'REASON']];
    for (const p of d.prefixes as Row[]) rows.push([String(p.prefix), String(p.status), p.reason ? `${String(p.reason)}: ${String(p.reasonText ?? '')}` : '']);
    out.push(render(rows));
  }
  const rej = d.rejections as Row[] | undefined;
  if (rej?.length) {
    out.push('', 'REJECTIONS (latest last)');
    for (const r of rej) out.push(`  ${new Date(Number(r.at)).toISOString()} ${String(r.pod)} ${(r.prefixes as string[]).join(',')}: ${String(r.reason)} (${String(r.text)})`);
  }
  const counters = { ...(d.counters as Record<string, number> | undefined), ...(d.checks as Record<string, number> | undefined) };
  const nonzero = Object.entries(counters).filter(([, v]) => v !== 0).map(([k, v]) => `${k}=${v}`);
  if (nonzero.length) out.push('', `counters: ${nonzero.join(' ')}`);
  return out.join('\n');
}
