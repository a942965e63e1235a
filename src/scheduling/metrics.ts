/**
 * The scheduling parts' state as Prometheus families (render with renderPrometheus): what an SG
 * or SR exposes about its policies and ejections, and what the SCSC exposes about its view and
 * decisions. Names follow Prometheus habits: damc_ prefix, _total for counters, base units.
 */
import type { OutlierDetector } from './outlier-detector.js';
import type { PolicyCounterName, PolicyStore } from './policy-store.js';
import type { MetricFamily } from './prometheus.js';
import type { ScscView } from './scsc-core.js';

const POLICY_RESULT: Record<PolicyCounterName, string | undefined> = {
  policyRx: undefined,
  policyInstalled: 'installed',
  policyDuplicate: 'duplicate',
  policyDropStale: 'stale',
  policyDropExpired: 'expired',
  policyDropUnsigned: 'unsigned',
  policyDropBadSignature: 'bad-signature',
  policyDropUnknownOrigin: 'unknown-origin',
  policyExpired: undefined,
};

/** A router's policy store: offers by result, expiries, and the weights it applies now. */
export function policyMetrics(store: PolicyStore, now: number): MetricFamily[] {
  const c = store.counters;
  const weights: { labels: Record<string, string>; value: number }[] = [];
  for (const h of store.list(now)) {
    for (const e of h.policy.entries) {
      for (const i of e.instances) weights.push({ labels: { prefix: e.prefix.toString(), instance: i.name.toString() }, value: i.weight });
    }
  }
  return [
    {
      name: 'damc_policy_offers_total',
      help: 'QoS policies received, by what the router did with them.',
      type: 'counter',
      samples: (Object.keys(POLICY_RESULT) as PolicyCounterName[])
        .filter((k) => POLICY_RESULT[k] !== undefined)
        .map((k) => ({ labels: { result: POLICY_RESULT[k]! }, value: c[k] })),
    },
    { name: 'damc_policy_expired_total', help: 'Held policies that expired (the router fell back to its FIB).', type: 'counter', samples: [{ value: c.policyExpired }] },
    {
      name: 'damc_policy_expiry_seconds',
      help: 'Seconds until each held policy expires.',
      type: 'gauge',
      samples: store.list(now).map((h) => ({ labels: { origin: h.policy.origin.toString(), version: h.policy.version.toString() }, value: (h.policy.expires - now) / 1000 })),
    },
    { name: 'damc_policy_weight', help: 'Weight the held policies give each instance of a pool.', type: 'gauge', samples: weights },
  ];
}

/** One pool's outlier detector: ejections and who is out now. */
export function outlierMetrics(pool: string, d: OutlierDetector): MetricFamily[] {
  return [
    { name: 'damc_outlier_ejections_total', help: 'Local ejections (failure runs that took an instance out).', type: 'counter', samples: [{ labels: { pool }, value: d.counters.ejections }] },
    { name: 'damc_outlier_ejections_refused_total', help: 'Ejections refused to keep part of the pool in.', type: 'counter', samples: [{ labels: { pool }, value: d.counters.ejectionsRefused }] },
    { name: 'damc_outlier_unejections_total', help: 'Instances let back in.', type: 'counter', samples: [{ labels: { pool }, value: d.counters.unejections }] },
    {
      name: 'damc_outlier_ejected',
      help: '1 while the instance is locally ejected.',
      type: 'gauge',
      samples: d.status().map((s) => ({ labels: { pool, instance: s.name.toString() }, value: s.ejected ? 1 : 0 })),
    },
  ];
}

/** The SCSC: figures per (SG, instance), state, and decisions taken. */
export function scscMetrics(view: ScscView): MetricFamily[] {
  const per = (f: (i: ScscView['instances'][number]) => number) =>
    view.instances.map((i) => ({ labels: { reporter: i.reporter, instance: i.instance }, value: f(i) }));
  const decisions = new Map<string, number>();
  for (const d of view.decisions) decisions.set(d.action, (decisions.get(d.action) ?? 0) + 1);
  return [
    { name: 'damc_scsc_rtt_seconds', help: 'Latest reported RTT per (SG, instance).', type: 'gauge', samples: per((i) => i.rttMs / 1000) },
    { name: 'damc_scsc_loss_ratio', help: 'Latest reported probe loss per (SG, instance).', type: 'gauge', samples: per((i) => i.loss) },
    { name: 'damc_scsc_error_ratio', help: 'Latest reported error rate per (SG, instance).', type: 'gauge', samples: per((i) => i.errorRate) },
    { name: 'damc_scsc_instance_out', help: '1 while the SCSC keeps the instance out for that SG.', type: 'gauge', samples: per((i) => (i.state === 'out' ? 1 : 0)) },
    {
      name: 'damc_scsc_decisions',
      help: 'Decisions in the SCSC\'s recent log, by action.',
      type: 'gauge',
      samples: ['drain', 'restore', 'forget'].map((a) => ({ labels: { action: a }, value: decisions.get(a) ?? 0 })),
    },
    { name: 'damc_scsc_policies', help: 'Routers holding a live policy from this SCSC.', type: 'gauge', samples: [{ value: view.policies.length }] },
  ];
}
