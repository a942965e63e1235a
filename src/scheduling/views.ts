/**
 * Text for people: what `lab policies [node]` and `lab scsc` print (their `--json` prints the
 * same data as JSON: PolicyStore.list() with counters, ScscCore.view()).
 */
import type { PolicyEntry } from '../wire/messages.js';
import type { PolicyStore } from './policy-store.js';
import type { ScscView } from './scsc-core.js';

const weighted = (ws: readonly { name: { toString(): string }; weight: number }[]) => ws.map((w) => `${w.name}=${w.weight}`).join(' ');

function entryLine(e: PolicyEntry): string {
  const parts = [];
  if (e.instances.length) parts.push(`instances ${weighted(e.instances)}`);
  if (e.nexthops.length) parts.push(`nexthops ${weighted(e.nexthops)}`);
  return `  ${e.prefix.toString().padEnd(12)} ${parts.join('  ') || '(empty)'}`;
}

export function formatPolicies(store: PolicyStore, now: number): string {
  const lines: string[] = [];
  const held = store.list(now);
  if (held.length === 0) lines.push('no policy held: forwarding by the FIB (shortest path, equal-cost sharing)');
  for (const h of held) {
    lines.push(`${h.policy.origin}  version ${h.policy.version}  expires in ${((h.policy.expires - now) / 1000).toFixed(1)} s`);
    if (h.policy.entries.length === 0) lines.push('  (no entries: forwarding by the FIB)');
    for (const e of h.policy.entries) lines.push(entryLine(e));
  }
  const c = store.counters;
  lines.push(
    `received ${c.policyRx}: installed ${c.policyInstalled}, duplicate ${c.policyDuplicate}; rejected: stale ${c.policyDropStale}, ` +
      `expired ${c.policyDropExpired}, unsigned ${c.policyDropUnsigned}, bad signature ${c.policyDropBadSignature}, ` +
      `unknown origin ${c.policyDropUnknownOrigin}; held policies expired ${c.policyExpired}`,
  );
  return lines.join('\n');
}

export function formatScscView(v: ScscView, clock: (t: number) => string = (t) => new Date(t).toISOString().slice(11, 23)): string {
  const lines: string[] = [];
  if (v.instances.length === 0) lines.push('no telemetry in the last seconds');
  else {
    const rows = v.instances.map((i) => [
      i.reporter, i.instance, i.state, i.rttMs.toFixed(1), pct(i.loss), pct(i.errorRate), i.healthy ? 'yes' : 'no', `${(i.ageMs / 1000).toFixed(1)} s`, i.reasons.join('; '),
    ]);
    lines.push(...table([['SG', 'instance', 'state', 'rtt ms', 'loss', 'errors', 'healthy', 'age', 'why'], ...rows]));
  }
  for (const l of v.links) lines.push(`link ${l.from} -> ${l.to}: cost +${l.extra}${l.reasons.length ? ` (${l.reasons.join('; ')})` : ''}`);
  lines.push(`policies held by ${v.policies.length} router(s)`);
  for (const p of v.policies) {
    lines.push(`${p.router}  version ${p.version}`);
    for (const e of p.entries) lines.push(entryLine(e));
  }
  if (v.decisions.length) lines.push('decisions:');
  for (const d of v.decisions) lines.push(`  ${clock(d.at)} ${d.action} ${d.instance} for ${d.reporter}: ${d.reasons.join('; ')}`);
  return lines.join('\n');
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((x, c) => x.padEnd(widths[c]!)).join('  ').trimEnd());
}
