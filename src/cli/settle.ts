/**
 * `settle`: wait until routing has settled, i.e. no router's FIB has changed for a quiet
 * period. A script that pulls a cable and then reads a FIB needs this: the FIB changes some
 * milliseconds after carrier loss (more on a loaded machine), so reading it at once races the
 * routers. FIBs are read over each router's control socket from the host (no process per poll).
 */
import { CONTROL_SOCKET } from '../node/config.js';
import { controlRequest } from '../node/control-client.js';
import { labLinks, type Lab } from '../lab/index.js';

const ROUTERS = new Set(['damc-sg', 'damc-sr']);

export interface SettleResult {
  settled: boolean;
  /** ms from the start until the last FIB change seen (0: none changed while watching). */
  lastChangeMs: number;
  waitedMs: number;
  routers: number;
  /** Routers whose FIB changed in the last quiet period, or that did not answer. */
  restless: string[];
}

/**
 * Pure: fed one snapshot per poll (router → its FIB as text, undefined when it did not
 * answer), it says when every router answered and none changed for `quietMs`.
 */
export class Settler {
  private last = new Map<string, string | undefined>();
  private changedAt = new Map<string, number>();
  private lastChangeMs = 0;

  constructor(private readonly quietMs: number, private readonly t0: number) {}

  /** True once settled at time `now`. */
  observe(now: number, snap: ReadonlyMap<string, string | undefined>): boolean {
    for (const [r, fib] of snap) {
      if (!this.last.has(r) || this.last.get(r) !== fib) {
        if (this.last.has(r)) this.lastChangeMs = now - this.t0;
        this.changedAt.set(r, now);
        this.last.set(r, fib);
      }
    }
    return this.restless(now).length === 0;
  }

  restless(now: number): string[] {
    return [...this.last.keys()].filter((r) => this.last.get(r) === undefined || now - (this.changedAt.get(r) ?? now) < this.quietMs).sort();
  }

  result(now: number, settled: boolean): SettleResult {
    return { settled, lastChangeMs: this.lastChangeMs, waitedMs: now - this.t0, routers: this.last.size, restless: settled ? [] : this.restless(now) };
  }
}

export async function settle(lab: Lab, quietMs: number, timeoutMs: number, pollMs = 100): Promise<SettleResult> {
  const { nodes, pids } = await labLinks(lab);
  const routers = nodes.filter((n) => ROUTERS.has(n.kind) && pids.has(n.name)).map((n) => n.name);
  const read = async (r: string): Promise<string | undefined> => {
    try {
      return JSON.stringify(await controlRequest(`/proc/${pids.get(r)}/root${CONTROL_SOCKET}`, { cmd: 'fib' }, 3_000));
    } catch {
      return undefined;
    }
  };
  const t0 = Date.now();
  const s = new Settler(quietMs, t0);
  for (;;) {
    const got = await Promise.all(routers.map(read));
    const now = Date.now();
    if (s.observe(now, new Map(routers.map((r, i) => [r, got[i]])))) return s.result(now, true);
    if (now - t0 >= timeoutMs) return s.result(now, false);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function formatSettle(r: SettleResult, quietMs: number): string {
  if (r.settled) {
    return `settled: ${r.routers} routers' FIBs unchanged for ${quietMs} ms` +
      (r.lastChangeMs ? ` (last change seen at +${r.lastChangeMs} ms)` : ' (no change seen)') + `, waited ${(r.waitedMs / 1000).toFixed(2)} s`;
  }
  return `not settled after ${(r.waitedMs / 1000).toFixed(2)} s: still changing or not answering: ${r.restless.join(', ')}`;
}
