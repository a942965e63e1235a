/**
 * The control-socket side of scheduling on a router: `metrics` (Prometheus text) and
 * `policies` (what `lab policies` prints: the held policies, rejection counters and local
 * ejections, as text and JSON).
 */
import { formatPolicies, policyMetrics, renderPrometheus, type PolicyStore } from '../../scheduling/index.js';
import type { ServiceGateway } from './service-gateway.js';

export interface PoliciesView {
  text: string;
  policies: { origin: string; version: string; expires: number; entries: { prefix: string; instances: { name: string; weight: number }[]; nexthops: { name: string; weight: number }[] }[] }[];
  counters: Record<string, number>;
  ejected: { pool: string; instance: string; ejectUntil: number }[];
}

/** An SG's view (`sg`), or an SR's (`store` only: it holds policies but balances no pools). */
export function schedulingControl(cmd: 'metrics' | 'policies', sg: ServiceGateway | undefined, now: number, store?: PolicyStore): string | PoliciesView {
  const policies = sg?.scheduling.policies ?? store;
  if (!policies) throw new Error('this node holds no policies');
  if (cmd === 'metrics') return sg ? sg.scheduling.metrics() : renderPrometheus(policyMetrics(policies, now));
  const s = { policies, ejections: () => sg?.scheduling.ejections() ?? [] };
  const ejected = s.ejections();
  const lines = [formatPolicies(s.policies, now)];
  for (const e of ejected) lines.push(`locally ejected: ${e.instance} (pool ${e.pool}) for ${((e.ejectUntil - now) / 1000).toFixed(1)} s more`);
  return {
    text: lines.join('\n'),
    policies: s.policies.list(now).map((h) => ({
      origin: h.policy.origin.toString(), version: h.policy.version.toString(), expires: h.policy.expires,
      entries: h.policy.entries.map((e) => ({
        prefix: e.prefix.toString(),
        instances: e.instances.map((i) => ({ name: i.name.toString(), weight: i.weight })),
        nexthops: e.nexthops.map((i) => ({ name: i.name.toString(), weight: i.weight })),
      })),
    })),
    counters: { ...s.policies.counters },
    ejected,
  };
}
