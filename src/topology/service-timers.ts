/**
 * The service plane's signaling timers of a lab: the topology's `timers:` may set them beside
 * the routing ones (announceRefreshMs, announceHoldMs, grantLifetimeS, authTimeoutMs); the rest
 * are the defaults. Checked at load, so a pod whose prefixes the SG drops between two
 * announcements fails here with the fix named, not as prefixes that come and go after deploy.
 */
import { DEFAULT_SERVICE_TIMERS, type ServiceTimers } from '../config/index.js';
import { LabError } from '../util/errors.js';
import type { RawTimers } from './raw.js';

export function resolveServiceTimers(raw: RawTimers | undefined): ServiceTimers {
  const r = raw ?? {};
  const t: ServiceTimers = {
    announceRefreshMs: r.announceRefreshMs ?? DEFAULT_SERVICE_TIMERS.announceRefreshMs,
    // A refresh given alone keeps the default ratio (hold = 3.5 refreshes).
    announceHoldMs: r.announceHoldMs ?? (r.announceRefreshMs !== undefined ? Math.ceil(3.5 * r.announceRefreshMs) : DEFAULT_SERVICE_TIMERS.announceHoldMs),
    grantLifetimeS: r.grantLifetimeS ?? DEFAULT_SERVICE_TIMERS.grantLifetimeS,
    authTimeoutMs: r.authTimeoutMs ?? DEFAULT_SERVICE_TIMERS.authTimeoutMs,
  };
  if (t.announceHoldMs <= t.announceRefreshMs) {
    throw new LabError('TIMERS_INVALID',
      `timers: announceHoldMs (${t.announceHoldMs}) must be more than announceRefreshMs (${t.announceRefreshMs}), or an SG drops a live pod's prefixes between two announcements`,
      `set announceHoldMs to 3-4 times announceRefreshMs (e.g. ${Math.ceil(3.5 * t.announceRefreshMs)}), or leave it out`);
  }
  if (t.grantLifetimeS * 1000 <= 3 * t.authTimeoutMs) {
    throw new LabError('TIMERS_INVALID',
      `timers: grantLifetimeS (${t.grantLifetimeS}) is too short for authTimeoutMs (${t.authTimeoutMs}): an SG asks again when a third of a grant is left, and must hear its SPA before it expires`,
      `make grantLifetimeS at least ${Math.ceil((3 * t.authTimeoutMs) / 1000) + 1} s, or authTimeoutMs smaller`);
  }
  return t;
}
