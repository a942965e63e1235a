/**
 * The control-socket side of scheduling on a router: `metrics` (Prometheus text) and
 * `policies` (what `lab policies` prints: the held policies, rejection counters and local
 * ejections, as text and JSON).
 */
import { formatPolicies, policyMetrics, renderPrometheus, type PolicyStore } from '../../scheduling/index.js';
import type { PolicySteering } from '../../scheduling/index.js';
import type { ServiceGateway } from './service-gateway.js';

export interface PoliciesView {
  text: string;
  policies: { origin: string; version: string; expires: number; entries: { prefix: string; instances: { name: string; weight: number }[]; nexthops: { name: string; weight: number }[] }[] }[];
  counters: Record<string, number>;
  ejected: { pool: string; instance: string; ejectUntil: number }[];
  /** Prefixes forwarded by a policy's next hops now, instead of the FIB's (steering.ts). */
  steered: { prefix: string; nexthops: { iface: string; neighbor: string }[] }[];
}

/** What the router forwards by policy right now (`steer` refreshes the overlay first). */
export interface SteeringView {
  readonly steering: PolicySteering;
  readonly refresh: () => void;
  readonly nodeOf: (routerKey: string) => string;
}

/** An SG's view (`sg`), or an SR's (`store` only: it holds policies but balances no pools). */
export function schedulingControl(cmd: 'metrics' | 'policies', sg: ServiceGateway | undefined, now: number, store?: PolicyStore, steer?: SteeringView): string | PoliciesView {
  const policies = sg?.scheduling.policies ?? store;
  if (!policies) throw new Error('this node holds no policies');
  if (cmd === 'metrics') return sg ? sg.scheduling.metrics() : renderPrometheus(policyMetrics(policies, now));
  const s = { policies, ejections: () => sg?.scheduling.ejections() ?? [] };
  const ejected = s.ejections();
  const lines = [formatPolicies(s.policies, now)];
  for (const e of ejected) lines.push(`locally ejected: ${e.instance} (pool ${e.pool}) for ${((e.ejectUntil - now) / 1000).toFixed(1)} s more`);
  steer?.refresh();
  const steered = (steer?.steering.steered ?? []).map((x) => ({
    prefix: x.prefix.toString(),
    nexthops: [...new Map(x.nexthops.map((h) => [h.iface, { iface: h.iface, neighbor: steer!.nodeOf(h.neighbor.key) }])).values()],
  }));
  for (const x of steered) lines.push(`forwarding ${x.prefix} by policy via ${x.nexthops.map((h) => `${h.neighbor} (${h.iface})`).join(', ')} instead of shortest path`);
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
    steered,
  };
}
