/** The scheduling core (pure: no I/O; clock values and randomness are passed in). */
export { seededRandom, type Random } from './random.js';
export {
  DEFAULT_CONDITIONS,
  describeViolation,
  resolveConditions,
  violations,
  type Conditions,
  type ConditionsInput,
  type Violation,
  type ViolationKind,
} from './conditions.js';
export { TelemetryStore, type Breach, type StoredSample } from './telemetry-store.js';
export { InstanceStats, type Outcome, type ResultKind } from './instance-stats.js';
export { candidatesFor, InFlight, pick, type Candidate, type PickOptions, type RoutedInstance } from './balancer.js';
export { HostMonitor } from './host-monitor.js';
export {
  DEFAULT_OUTLIER,
  ENVOY_OUTLIER,
  OutlierDetector,
  type OutlierCounters,
  type OutlierEvent,
  type OutlierOptions,
} from './outlier-detector.js';
export {
  POLICY_COUNTER_NAMES,
  PolicyStore,
  type HeldPolicy,
  type PolicyCounterName,
  type PolicyCounters,
  type PolicyVerdict,
  type PolicyVerifier,
} from './policy-store.js';
export {
  DEFAULT_PATHS,
  linkPenalties,
  nexthops,
  pathEntries,
  weightTopology,
  type LinkPenalty,
  type PathOptions,
  type TopologyView,
} from './qos-paths.js';
export { POOL_WEIGHT_IN, ScscCore, type Decision, type Push, type ScscOptions, type ScscView } from './scsc-core.js';
export {
  Histogram,
  renderPrometheus,
  type HistogramFamily,
  type HistogramSnapshot,
  type Labels,
  type MetricFamily,
  type ScalarFamily,
} from './prometheus.js';
export { policySigner, trustMapPolicyVerifier } from './policy-crypto.js';
export { PolicySteering, type LiveLink } from './steering.js';
export { DEFAULT_PROBES, ProbePlanner, type ProbeOptions } from './probe-plan.js';
export { outlierMetrics, policyMetrics, scscMetrics } from './metrics.js';
export { formatPolicies, formatScscView } from './views.js';
