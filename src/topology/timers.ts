/**
 * The routing timers of a lab: what the topology's `timers:` sets, the rest scaled to the
 * number of routers, then checked (dead > hello, refresh < lifetime) so a bad lab fails at
 * load with the fix named, not as flapping adjacencies after deploy.
 *
 * Why scale: every router's hellos, dead-interval checks and LSA refreshes cost CPU whether
 * anything changes or not, and on a 2-core machine 100 routers with 100 ms hellos and a
 * 300 ms dead interval could no longer be served on time: routers declared live neighbors
 * dead (860 adjacency changes in 6 minutes on one router) and the grid never converged. Up
 * to SMALL_LAB routers the fast timers stay (silent failures found in 300 ms); above it
 * hellos slow down with the size, and LSAs live longer so idle refreshes stay rare.
 */
import { LabError } from '../util/errors.js';
import type { RawTimers } from './raw.js';
import { DEFAULT_TIMERS, type Timers } from './resolved.js';

/** Up to this many routers a lab gets the fast default timers. */
export const SMALL_LAB = 60;

/** The timers a lab of `routers` routers gets when its topology sets none. */
export function scaledTimers(routers: number): Timers {
  if (routers <= SMALL_LAB) return { ...DEFAULT_TIMERS };
  // 10 ms of hello interval per router, in steps of 100 ms, at most 2 s; dead = 4 hellos.
  const helloIntervalMs = Math.min(2_000, Math.ceil(routers / 10) * 100);
  return { helloIntervalMs, deadIntervalMs: 4 * helloIntervalMs, lsaLifetimeS: 1_800, lsaRefreshS: 600 };
}

/**
 * The topology's timers over the scaled ones. A hello interval given alone brings a dead
 * interval of 4 hellos, a lifetime given alone a refresh of a third of it.
 */
export function resolveTimers(raw: RawTimers | undefined, routers: number): Timers {
  const base = scaledTimers(routers);
  const r = raw ?? {};
  const t: Timers = {
    helloIntervalMs: r.helloIntervalMs ?? base.helloIntervalMs,
    deadIntervalMs: r.deadIntervalMs ?? (r.helloIntervalMs !== undefined ? 4 * r.helloIntervalMs : base.deadIntervalMs),
    lsaLifetimeS: r.lsaLifetimeS ?? base.lsaLifetimeS,
    lsaRefreshS: r.lsaRefreshS ?? (r.lsaLifetimeS !== undefined ? Math.max(1, Math.floor(r.lsaLifetimeS / 3)) : base.lsaRefreshS),
  };
  if (t.deadIntervalMs <= t.helloIntervalMs) {
    throw new LabError('TIMERS_INVALID',
      `timers: deadIntervalMs (${t.deadIntervalMs}) must be more than helloIntervalMs (${t.helloIntervalMs}), or every neighbor dies between two hellos`,
      `set deadIntervalMs to 3-4 times helloIntervalMs (e.g. ${4 * t.helloIntervalMs}), or leave it out`);
  }
  if (t.lsaRefreshS >= t.lsaLifetimeS) {
    throw new LabError('TIMERS_INVALID',
      `timers: lsaRefreshS (${t.lsaRefreshS}) must be less than lsaLifetimeS (${t.lsaLifetimeS}), or LSAs expire before their origin refreshes them`,
      `set lsaRefreshS to about a third of lsaLifetimeS (e.g. ${Math.max(1, Math.floor(t.lsaLifetimeS / 3))}), or leave it out`);
  }
  return t;
}
