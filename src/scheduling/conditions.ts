/**
 * The SCSC's preset conditions (the draft's "detection result does not meet the preset
 * conditions"): per instance a maximum RTT, loss and error rate, and whether a failed health
 * probe counts. Pure: a sample either meets them or yields the reasons it does not.
 */
import type { QosSample } from '../wire/messages.js';
import { LabError } from '../util/errors.js';

export interface Conditions {
  /** Maximum RTT in ms (probes and real traffic); undefined: no limit. */
  readonly maxRttMs?: number;
  /** Maximum loss (probes unanswered), a fraction 0..1. */
  readonly maxLoss?: number;
  /** Maximum share of requests answered 5xx or timed out, 0..1. */
  readonly maxErrorRate?: number;
  /** A failed health probe breaks the conditions. */
  readonly health: boolean;
}

/** What the YAML gets when it says nothing: generous next to a lab's sub-millisecond links. */
export const DEFAULT_CONDITIONS: Conditions = { maxRttMs: 100, maxLoss: 0.05, maxErrorRate: 0.1, health: true };

export type ViolationKind = 'rtt' | 'loss' | 'error-rate' | 'unhealthy';

export interface Violation {
  readonly kind: ViolationKind;
  /** Measured value (ms for rtt, a fraction for loss and error rate, 0 for unhealthy). */
  readonly value: number;
  readonly limit: number;
}

/**
 * Reasons `s` breaks `c`. `scale` tightens the limits (0.8 = recover only 20% under them):
 * the SCSC drains at scale 1 and restores at its recovery margin, so an instance hovering at a
 * limit does not flap.
 */
export function violations(s: QosSample, c: Conditions, scale = 1): Violation[] {
  const out: Violation[] = [];
  const rttMs = s.rttUs / 1000;
  if (c.maxRttMs !== undefined && rttMs > c.maxRttMs * scale) out.push({ kind: 'rtt', value: rttMs, limit: c.maxRttMs * scale });
  const loss = s.lossPpm / 1e6;
  if (c.maxLoss !== undefined && loss > c.maxLoss * scale) out.push({ kind: 'loss', value: loss, limit: c.maxLoss * scale });
  const err = s.errorPpm / 1e6;
  if (c.maxErrorRate !== undefined && err > c.maxErrorRate * scale) out.push({ kind: 'error-rate', value: err, limit: c.maxErrorRate * scale });
  if (c.health && !s.healthy) out.push({ kind: 'unhealthy', value: 0, limit: 0 });
  return out;
}

/** "rtt 201.0 ms > 100 ms", for `lab scsc` and the decision log. */
export function describeViolation(v: Violation): string {
  switch (v.kind) {
    case 'rtt': return `rtt ${v.value.toFixed(1)} ms > ${round(v.limit)} ms`;
    case 'loss': return `loss ${pct(v.value)} > ${pct(v.limit)}`;
    case 'error-rate': return `error rate ${pct(v.value)} > ${pct(v.limit)}`;
    case 'unhealthy': return 'health probe failed';
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number) => `${round(x * 100)}%`;

/** The YAML's `scheduling.conditions` (all optional), checked, over the defaults. */
export interface ConditionsInput {
  maxRttMs?: number;
  maxLoss?: number;
  maxErrorRate?: number;
  health?: boolean;
}

export function resolveConditions(input: ConditionsInput = {}, where = 'scheduling.conditions'): Conditions {
  const num = (key: 'maxRttMs' | 'maxLoss' | 'maxErrorRate', max: number): number | undefined => {
    const v = input[key] ?? DEFAULT_CONDITIONS[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw new LabError('BAD_CONDITION', `${where}.${key} is ${String(v)}`, `give a number from 0 to ${max}${max === 1 ? ' (a fraction: 0.05 = 5%)' : ''}`);
    }
    return v;
  };
  const health = input.health ?? DEFAULT_CONDITIONS.health;
  if (typeof health !== 'boolean') throw new LabError('BAD_CONDITION', `${where}.health is ${String(health)}`, 'give true or false');
  const c: { -readonly [K in keyof Conditions]: Conditions[K] } = { health };
  const rtt = num('maxRttMs', 60_000), loss = num('maxLoss', 1), err = num('maxErrorRate', 1);
  if (rtt !== undefined) c.maxRttMs = rtt;
  if (loss !== undefined) c.maxLoss = loss;
  if (err !== undefined) c.maxErrorRate = err;
  return c;
}
