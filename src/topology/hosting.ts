/**
 * Where a lab's routers run. `hosting: container` gives every router its own Node process in
 * its container (the default up to SMALL_LAB routers: figure2 and 50-router grids). `hosting:
 * shared` keeps every node a container with its own namespace and veths, but runs the SRs'
 * router programs in a few shared processes on the host, one per core (src/node/pool): 250
 * Node processes starting at once on two cores cost more CPU than the cores have in a minute.
 * `auto` (the default) is `shared` above SMALL_LAB routers. SGs (their HTTP proxy listens in
 * their own namespace), the SPA, the SCSC, pods, and nodes with their own image or cmd keep
 * their own processes.
 */
import { LabError } from '../util/errors.js';
import type { ResolvedNode } from './resolved.js';
import { SMALL_LAB } from './timers.js';

export type HostingMode = 'auto' | 'container' | 'shared';
export const HOSTING_MODES: readonly HostingMode[] = ['auto', 'container', 'shared'];

export interface Hosting {
  mode: 'container' | 'shared';
  /** Node name -> the shared process ("pool-1", …) that runs its router. */
  pools: Map<string, string>;
}

/** Can this node's router run in a shared process? (an SR on the lab image with the kind's program) */
export function hostable(n: ResolvedNode): boolean {
  return n.kind.name === 'damc-sr' && n.image === undefined && n.cmd === n.kind.defaultCmd && !n.clab;
}

/**
 * Decides the hosting of a lab and spreads the hostable routers over `processes` shared
 * processes, round robin in node order (each gets the same share of the work).
 */
export function planHosting(raw: HostingMode | undefined, nodes: Iterable<ResolvedNode>, processes: number): Hosting {
  const all = [...nodes];
  if (raw !== undefined && !HOSTING_MODES.includes(raw)) {
    throw new LabError('HOSTING_INVALID', `hosting: '${String(raw)}' is not a hosting mode`, `write one of: ${HOSTING_MODES.join(', ')}`);
  }
  const routers = all.filter((n) => n.kind.router).length;
  const mode = raw === 'shared' || (raw !== 'container' && routers > SMALL_LAB) ? 'shared' : 'container';
  const pools = new Map<string, string>();
  if (mode === 'container') return { mode, pools };
  const hosted = all.filter(hostable).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const k = Math.max(1, Math.min(Math.floor(processes), hosted.length));
  hosted.forEach((n, i) => pools.set(n.name, `pool-${(i % k) + 1}`));
  return { mode, pools };
}
