/**
 * One containerlab file through deploy (--image-fallback), verify and destroy, with a check
 * that destroy left nothing behind: no container of the lab, no new host interface or bridge,
 * no management network it created. External containers (kind ext-container) are started
 * first on the lab image, as containerlab's own tests do, and removed after.
 */
import { basename } from 'node:path';
import { loadTopology, type ResolvedTopology } from '../topology/index.js';
import { isLabError } from '../util/errors.js';
import type { LabContext } from './context.js';
import { verifyClabLab } from './clab-verify.js';
import { LABEL_LAB } from './labels.js';
import { Lab } from './lab.js';
import type { DeployReport } from './reports.js';

/** Error codes that mean "containerlab has this, damc-lab does not" (as opposed to a failure). */
export const UNSUPPORTED_CODES = new Set(['CLAB_UNSUPPORTED_KEY', 'CLAB_LINK_UNSUPPORTED', 'UNKNOWN_KIND', 'CLAB_GO_TEMPLATE']);

export interface CompatResult {
  file: string;
  outcome: 'deployed' | 'failed' | 'unsupported' | 'refused';
  detail: string;
  report?: DeployReport;
  /** Problems found by verify or the leftover check (a deployed file has none). */
  problems: string[];
}

export async function tryClabFile(file: string, ctx: LabContext, expectRefusal = false): Promise<CompatResult> {
  const name = basename(file);
  let topo: ResolvedTopology;
  try {
    topo = loadTopology(file);
  } catch (e) {
    return refusedOrFailed(name, e, expectRefusal);
  }
  const before = await snapshot(ctx, topo);
  const ext: string[] = [];
  const lab = new Lab(topo.name, ctx, topo);
  try {
    for (const c of topo.clab?.external.keys() ?? []) {
      const image = await ctx.image.ensure();
      const id = await ctx.runtime.create({
        name: c, hostname: c, image, entrypoint: ['sleep'], cmd: ['infinity'], env: {}, labels: { 'damc.clab-compat': 'ext' },
        binds: [], capAdd: ['NET_ADMIN', 'NET_RAW'], sysctls: {},
      });
      ext.push(id);
      await ctx.runtime.start(id);
    }
    let report: DeployReport;
    try {
      report = await lab.deploy({ imageFallback: true });
    } catch (e) {
      const r = refusedOrFailed(name, e, expectRefusal);
      const left = await leftovers(ctx, topo, before);
      return { ...r, problems: left, ...(left.length && r.outcome === 'refused' ? { outcome: 'failed' as const } : {}) };
    }
    if (expectRefusal) return { file: name, outcome: 'failed', detail: 'deployed, but containerlab refuses this file', problems: [], report };
    const v = await verifyClabLab(topo, ctx, report);
    await lab.destroy();
    for (const id of ext.splice(0)) await ctx.runtime.remove(id);
    const problems = [...v.problems, ...await leftovers(ctx, topo, before)];
    const subs = report.substitutions?.length ? `; ${report.substitutions.length} image(s) substituted` : '';
    const exited = report.exited?.length ? `; exited at start: ${report.exited.join(', ')}` : '';
    return {
      file: name,
      outcome: problems.length ? 'failed' : 'deployed',
      detail: `${report.nodes.length} nodes, ${topo.clab!.links.length} links, ${v.checked} interfaces as declared, ${report.execs?.length ?? 0} exec${subs}${exited}`,
      report,
      problems,
    };
  } finally {
    await lab.destroy().catch(() => undefined);
    for (const id of ext) await ctx.runtime.remove(id).catch(() => undefined);
  }
}

function refusedOrFailed(file: string, e: unknown, expectRefusal: boolean): CompatResult {
  const code = isLabError(e) ? e.code : 'INTERNAL';
  const cause = isLabError(e) && isLabError(e.cause) ? e.cause : e;
  const causeCode = isLabError(cause) ? cause.code : code;
  const msg = (e as Error).message;
  if (expectRefusal) return { file, outcome: 'refused', detail: `${code}: ${msg}`, problems: [] };
  return { file, outcome: UNSUPPORTED_CODES.has(causeCode) ? 'unsupported' : 'failed', detail: `${causeCode}: ${msg}`, problems: [] };
}

interface Snapshot { hostIfs: Set<string>; network: boolean }

async function snapshot(ctx: LabContext, topo: ResolvedTopology): Promise<Snapshot> {
  const hostIfs = new Set((await ctx.net.links(process.pid)).map((l) => l.ifname));
  const network = topo.clab ? (await ctx.runtime.network(topo.clab.mgmt.network)) !== undefined : false;
  return { hostIfs, network };
}

async function leftovers(ctx: LabContext, topo: ResolvedTopology, before: Snapshot): Promise<string[]> {
  const out: string[] = [];
  const cs = await ctx.runtime.list({ [LABEL_LAB]: topo.name });
  if (cs.length) out.push(`left containers: ${cs.map((c) => c.name).join(', ')}`);
  const now = (await ctx.net.links(process.pid)).map((l) => l.ifname).filter((i) => !before.hostIfs.has(i) && !/^veth/.test(i));
  if (now.length) out.push(`left host interfaces: ${now.join(', ')}`);
  if (topo.clab && !before.network && (await ctx.runtime.network(topo.clab.mgmt.network))) out.push(`left network ${topo.clab.mgmt.network}`);
  return out;
}
