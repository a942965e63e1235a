/**
 * Checks a deployed containerlab lab against its topology, from inside the containers: every
 * link end exists with its name, MTU, MAC (when the file gives one) and is up; every declared
 * env variable has its value. Used by scripts/clab-compat and the @docker tests.
 */
import { Writable } from 'node:stream';
import { nodeOfEnd, type ClabEnd, type ResolvedTopology } from '../topology/index.js';
import type { LabContext } from './context.js';
import type { IpLink } from './host-net.js';
import { containerNameIn } from './labels.js';
import type { DeployReport } from './reports.js';

export interface VerifyResult {
  /** Interfaces found as declared. */
  checked: number;
  problems: string[];
}

export async function verifyClabLab(topo: ResolvedTopology, ctx: LabContext, report: DeployReport): Promise<VerifyResult> {
  const clab = topo.clab!;
  const exited = new Set(report.exited ?? []);
  const problems: string[] = [];
  let checked = 0;
  const seen = new Map<string, IpLink[]>();
  const linksIn = async (where: string, pid: number) => {
    let l = seen.get(where);
    if (!l) seen.set(where, (l = await ctx.net.links(pid)));
    return l;
  };
  const pidOf = async (container: string): Promise<number> => {
    const info = await ctx.runtime.inspect(container);
    return info.state === 'running' ? info.pid : 0;
  };
  for (const l of clab.links) {
    const ends = [l.a, l.b].filter((e): e is ClabEnd => !!e);
    if (ends.some((e) => exited.has(nodeOfEnd(e) ?? ''))) continue;
    for (const e of ends) {
      const inNode = nodeOfEnd(e);
      const container = inNode ? containerNameIn(topo, inNode) : e.t === 'ext' ? e.container : undefined;
      const where = container ?? 'host';
      const pid = container ? await pidOf(container) : process.pid;
      if (!pid) {
        problems.push(`${where} is not running`);
        continue;
      }
      const found = (await linksIn(where, pid)).find((x) => x.ifname === e.ifname || x.altnames?.includes(e.ifname));
      const name = `${where}:${e.ifname}`;
      if (!found) {
        problems.push(`${name} is missing (link ${l.index + 1})`);
        continue;
      }
      if (found.mtu !== l.mtu) problems.push(`${name} has MTU ${found.mtu}, the file says ${l.mtu}`);
      if (e.mac && found.mac?.toLowerCase() !== e.mac.toLowerCase()) problems.push(`${name} has MAC ${found.mac}, the file says ${e.mac}`);
      const upOk = l.type === 'dummy' ? found.flags.includes('UP') : found.operstate === 'UP';
      if (!upOk) problems.push(`${name} is ${found.operstate}`);
      checked++;
    }
  }
  for (const n of topo.nodes.values()) {
    if (exited.has(n.name) || !n.clab) continue;
    const env = await envOf(ctx, containerNameIn(topo, n.name));
    if (env === undefined) continue; // an image without `env`
    for (const [k, v] of Object.entries(n.env)) {
      if (env[k] !== v) problems.push(`${n.name}: env ${k} is ${env[k] === undefined ? 'unset' : `'${env[k]}'`}, the file says '${v}'`);
    }
  }
  return { checked, problems };
}

async function envOf(ctx: LabContext, container: string): Promise<Record<string, string> | undefined> {
  let out = '';
  const sink = new Writable({ write: (c: Buffer, _e, cb) => { out += c.toString(); cb(); } });
  const code = await ctx.runtime.exec(container, ['env'], { stdout: sink, stderr: new Writable({ write: (_c, _e, cb) => cb() }) }).catch(() => -1);
  if (code !== 0) return undefined;
  return Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
