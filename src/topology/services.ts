/**
 * A pod's `services:` resolved: which instances it hosts, which program answers each (a
 * built-in app of the pod program, or the pod's own `cmd:`), on which port, with which knobs.
 * Built-in instances get ports 8001, 8002, … in order, skipping ports the topology names.
 */
import { LabError } from '../util/errors.js';
import type { RawService } from './raw.js';

export type ServiceApp = 'echo' | 'kv' | 'cmd';

export interface ResolvedService {
  /** "B/4": service B, instance 4. */
  instance: string;
  /** echo and kv are built into the pod program; cmd is served by the pod's own `cmd:` program. */
  app: ServiceApp;
  port: number;
  /** Path the SG may probe (cmd services); built-ins answer /healthz. */
  health: string;
  delayMs: number;
  errorRate: number;
}

export const FIRST_BUILTIN_PORT = 8001;
const SERVICE_RE = /^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;

export function resolveServices(node: string, raw: readonly RawService[], hasCmd: boolean): ResolvedService[] {
  const seen = new Set<string>();
  const taken = new Set<number>();
  const out: (ResolvedService & { auto: boolean })[] = [];
  for (const r of raw) {
    const o = typeof r === 'string' ? { name: r } : r;
    if (!SERVICE_RE.test(o.name)) {
      throw new LabError('SERVICE_INVALID', `node ${node}: service '${o.name}' is not <service>/<instance>`,
        'write service instances like "A/1" (service A, instance 1): letters, digits, _ and -');
    }
    if (seen.has(o.name)) throw new LabError('SERVICE_DUPLICATE', `node ${node}: service ${o.name} is listed twice`, 'list each instance once');
    seen.add(o.name);
    const app: ServiceApp = o.app ?? (o.port !== undefined ? 'cmd' : 'echo');
    if (app === 'cmd' && !hasCmd) {
      throw new LabError('SERVICE_NO_PROGRAM', `node ${node}: service ${o.name} names port ${o.port} but no app and the pod has no cmd:`,
        `add cmd: (the program that listens on ${o.port}) to ${node}, or app: echo|kv for a built-in instance`);
    }
    const delayMs = o.delay === undefined ? 0 : parseDuration(o.delay, `node ${node}: service ${o.name} delay`);
    const errorRate = o.errorRate ?? 0;
    if (app === 'cmd' && (delayMs > 0 || errorRate > 0)) {
      throw new LabError('SERVICE_KNOBS', `node ${node}: service ${o.name} is served by the pod's own program; delay and errorRate apply to built-in apps only`,
        'drop delay/errorRate, or make it a built-in: app: echo|kv');
    }
    if (o.port !== undefined) {
      if (taken.has(o.port)) throw new LabError('SERVICE_PORT_USED', `node ${node}: port ${o.port} is given to two services`, 'give each instance its own port');
      taken.add(o.port);
    }
    out.push({ instance: o.name, app, port: o.port ?? 0, health: o.health ?? '/healthz', delayMs, errorRate, auto: o.port === undefined });
  }
  let next = FIRST_BUILTIN_PORT;
  for (const s of out) {
    if (!s.auto) continue;
    while (taken.has(next)) next++;
    s.port = next;
    taken.add(next);
  }
  return out.map(({ auto: _auto, ...s }) => s);
}

/** "200ms", "1.5s", "0" or a number of milliseconds. */
export function parseDuration(v: number | string, what: string): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(v.trim());
  if (!m) throw new LabError('DURATION_INVALID', `${what}: '${v}' is not a duration`, 'write it like 200ms, 1.5s or a number of milliseconds');
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
