/**
 * What a containerlab deploy made outside its containers (management network, bridges,
 * host-namespace interfaces, interfaces inside external containers), written as it goes to
 * <labDir>/clab-state.json, so destroy and a failed deploy's rollback remove exactly those.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabContext } from './context.js';

export interface ClabStateData {
  /** Docker network this lab created (removed when no container uses it any more). */
  network?: string;
  bridges: string[];
  hostIfs: string[];
  ext: { container: string; ifname: string }[];
}

export class ClabState {
  readonly data: ClabStateData = { bridges: [], hostIfs: [], ext: [] };
  constructor(private readonly labDir: string) {}

  static file(labDir: string): string {
    return join(labDir, 'clab-state.json');
  }

  update(f: (d: ClabStateData) => void): void {
    f(this.data);
    writeFileSync(ClabState.file(this.labDir), JSON.stringify(this.data, null, 2) + '\n');
  }
}

/** Removes what the state file lists; each step is best effort, and what could not go is returned. */
export async function cleanupClab(ctx: LabContext, labDir: string): Promise<string[]> {
  const f = ClabState.file(labDir);
  if (!existsSync(f)) return [];
  let d: ClabStateData;
  try {
    d = JSON.parse(readFileSync(f, 'utf8')) as ClabStateData;
  } catch {
    return [`${f} is unreadable`];
  }
  const left: string[] = [];
  for (const e of d.ext) {
    try {
      const info = await ctx.runtime.inspect(e.container);
      if (info.pid > 0 && (await ctx.net.operstate(info.pid, e.ifname)) !== undefined) await ctx.net.batchIn(info.pid, [`link del ${e.ifname}`]);
    } catch {
      left.push(`${e.container}:${e.ifname}`);
    }
  }
  for (const i of d.hostIfs) {
    if (await hostHas(ctx, i)) await ctx.net.batch([`link del ${i}`]).catch(() => left.push(`host:${i}`));
  }
  for (const b of d.bridges) {
    if (await hostHas(ctx, b)) await ctx.net.batch([`link del ${b}`]).catch(() => left.push(`bridge ${b}`));
  }
  if (d.network) {
    const n = await ctx.runtime.network(d.network).catch(() => undefined);
    if (n && n.containers === 0) await ctx.runtime.removeNetwork(d.network).catch(() => left.push(`network ${d.network}`));
  }
  return left;
}

export async function hostHas(ctx: LabContext, ifname: string): Promise<boolean> {
  return (await ctx.net.operstate(process.pid, ifname)) !== undefined || existsSync(`/sys/class/net/${ifname}`);
}
