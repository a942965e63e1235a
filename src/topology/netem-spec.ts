/**
 * Link impairments as people write them ("20ms", "5%", "10mbit", as in tc-netem) and as the
 * lab uses them (numbers). Pure: the YAML's per-link `netem:` and `lab netem set` both parse
 * through here, so both accept and refuse the same things.
 */
import { LabError } from '../util/errors.js';

/** Impairments on frames leaving one interface (egress), the way netem acts. */
export interface NetemSettings {
  delayMs?: number;
  /** ± around delayMs, uniform; only with a delay. */
  jitterMs?: number;
  lossPct?: number;
  rateKbit?: number;
  corruptPct?: number;
  duplicatePct?: number;
  /** This share of frames skips the delay (so overtakes the others); only with a delay. */
  reorderPct?: number;
}

/** What a person writes: strings with units or bare numbers (ms, %, kbit). */
export interface NetemInput {
  delay?: string | number;
  jitter?: string | number;
  loss?: string | number;
  rate?: string | number;
  corrupt?: string | number;
  duplicate?: string | number;
  reorder?: string | number;
}

export const NETEM_FIELDS = ['delay', 'jitter', 'loss', 'rate', 'corrupt', 'duplicate', 'reorder'] as const;
type Field = (typeof NETEM_FIELDS)[number];
const KEY: Record<Field, keyof NetemSettings> = {
  delay: 'delayMs', jitter: 'jitterMs', loss: 'lossPct', rate: 'rateKbit', corrupt: 'corruptPct', duplicate: 'duplicatePct', reorder: 'reorderPct',
};

const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const RATE: Record<string, number> = { bit: 0.001, kbit: 1, mbit: 1000, gbit: 1e6, bps: 0.008, kbps: 8, mbps: 8000 };

function bad(where: string, field: string, v: unknown, want: string): LabError {
  return new LabError('NETEM_INVALID', `${where}: ${field} '${String(v)}' is not ${want}`,
    'write e.g. delay 20ms, jitter 5ms, loss 5%, rate 10mbit, corrupt 1%, duplicate 1%, reorder 5%');
}

function unit(where: string, field: string, v: string | number, units: Record<string, number>, dflt: string, want: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw bad(where, field, v, want);
    return v * units[dflt]!;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z%]*)\s*$/i.exec(v);
  const u = (m?.[2] || dflt).toLowerCase();
  if (!m || units[u] === undefined) throw bad(where, field, v, want);
  return Number(m[1]) * units[u]!;
}

export function parseNetem(input: NetemInput, where: string): NetemSettings {
  const out: NetemSettings = {};
  for (const f of NETEM_FIELDS) {
    const v = input[f];
    if (v === undefined) continue;
    if (f === 'delay' || f === 'jitter') out[KEY[f]] = unit(where, f, v, TIME, 'ms', 'a time like 20ms');
    else if (f === 'rate') {
      const r = unit(where, f, v, RATE, 'kbit', 'a rate like 10mbit');
      if (r <= 0) throw bad(where, f, v, 'a rate above 0');
      out.rateKbit = r;
    } else {
      const p = unit(where, f, v, { '%': 1 }, '%', 'a percentage like 5%');
      if (p > 100) throw bad(where, f, v, 'a percentage from 0% to 100%');
      out[KEY[f]] = p;
    }
  }
  return out;
}

/** containerlab's rule, and netem's: jitter and reorder only make sense with a delay. */
export function checkNetem(s: NetemSettings, where: string): NetemSettings {
  if (s.jitterMs && !s.delayMs) throw new LabError('NETEM_INVALID', `${where}: jitter ${s.jitterMs}ms without a delay`, 'add --delay (jitter varies the delay)');
  if (s.reorderPct && !s.delayMs) throw new LabError('NETEM_INVALID', `${where}: reorder ${s.reorderPct}% without a delay`, 'add --delay (reordered frames are the ones sent without it)');
  return s;
}

/** Adds `change` to what an interface has; `replaced` says what it overwrote ("delay 10ms -> 20ms"). */
export function mergeNetem(old: NetemSettings, change: NetemSettings): { settings: NetemSettings; replaced: string[] } {
  const settings = { ...old, ...change };
  const replaced: string[] = [];
  for (const f of NETEM_FIELDS) {
    const k = KEY[f];
    if (change[k] !== undefined && old[k] !== undefined && old[k] !== change[k]) replaced.push(`${f} ${show(f, old[k])} -> ${show(f, change[k])}`);
  }
  return { settings, replaced };
}

export function isEmptyNetem(s: NetemSettings | undefined): boolean {
  return !s || NETEM_FIELDS.every((f) => !s[KEY[f]]);
}

function show(f: Field, v: number): string {
  if (f === 'delay' || f === 'jitter') return v < 1 && v > 0 ? `${round(v * 1000)}us` : `${round(v)}ms`;
  if (f === 'rate') return v >= 1e6 ? `${round(v / 1e6)}gbit` : v >= 1000 ? `${round(v / 1000)}mbit` : `${round(v)}kbit`;
  return `${round(v)}%`;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** tc-netem's way of writing it: "delay 20ms jitter 5ms loss 5% rate 10mbit"; "-" when nothing. */
export function formatNetem(s: NetemSettings | undefined): string {
  if (isEmptyNetem(s)) return '-';
  return NETEM_FIELDS.filter((f) => s![KEY[f]]).map((f) => `${f} ${show(f, s![KEY[f]]!)}`).join(' ');
}
