/**
 * Deploy of a containerlab-format topology. Unlike a DAMC lab (all containers, then all
 * veths in one batch) each node walks containerlab's stages on its own: create its container
 * (after its wait-for and network-mode dependencies), create-links (a link is made as soon as
 * every node it joins has entered create-links), then configure (its links up, then `exec`)
 * alongside healthy (its healthcheck passes), then exit. A failure anywhere rolls the lab back.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildNodeConfigs, expandMagic, nodeOfEnd, shellWords,
  type ClabEnd, type ClabLink, type ResolvedNode, type ResolvedTopology, type StageExec, type StageName,
} from '../topology/index.js';
import { LabError, isLabError } from '../util/errors.js';
import { issueCertificates } from './clab-certs.js';
import { linkCommands } from './clab-links.js';
import { chooseImages } from './clab-images.js';
import { clabContainerSpec } from './clab-spec.js';
import { StageBoard } from './clab-stages.js';
import { ExecLog, runHost } from './clab-exec.js';
import { prepareClabHost } from './clab-prepare.js';
import { ClabState, cleanupClab } from './clab-state.js';
import type { LabContext } from './context.js';
import { containerNameIn } from './labels.js';
import type { DeployReport } from './reports.js';

export interface ClabDeployOptions {
  /** Run nodes whose image is not here and cannot be pulled on the lab image instead. */
  imageFallback?: boolean;
}

interface Deferred { p: Promise<void>; resolve: () => void; reject: (e: unknown) => void }
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const p = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  p.catch(() => {});
  return { p, resolve, reject };
}

/** The lab nodes a link needs (a bridge port inside a node counts as that node's end). */
const nodeEnds = (l: ClabLink): { node: string; ifname: string }[] =>
  [l.a, l.b].flatMap((e) => {
    const node = e ? nodeOfEnd(e) : undefined;
    return node ? [{ node, ifname: e!.ifname }] : [];
  });

export async function deployClab(topo: ResolvedTopology, ctx: LabContext, removeAll: () => Promise<string[]>, o: ClabDeployOptions): Promise<DeployReport> {
  const t0 = performance.now();
  const clab = topo.clab!;
  const labDir = join(ctx.labRoot, topo.name);
  const nodes = [...topo.nodes.values()];
  const say = ctx.onEvent;
  const substitutions: { node: string; image: string; with: string }[] = [];
  const execs = new ExecLog(ctx, say);
  const exited: string[] = [];
  const notes: string[] = [];
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round((now - mark) / 10) / 100;
    mark = now;
  };

  rmSync(labDir, { recursive: true, force: true });
  mkdirSync(labDir, { recursive: true });
  const state = new ClabState(labDir);
  state.update(() => {});
  let step = 'images';
  let failedNode: string | undefined;
  let labImage: string | undefined;
  try {
    const images = await chooseImages(topo, ctx, !!o.imageFallback, async () => (labImage ??= await ctx.image.ensure()), substitutions);
    for (const s of substitutions) say(`image ${s.image} is not available: node ${s.node} runs on the lab image ${s.with} (--image-fallback)`);
    phase('image');

    step = 'write configs';
    const configs = buildNodeConfigs(topo);
    for (const n of nodes) {
      mkdirSync(join(labDir, n.name), { recursive: true });
      const cfg = configs.get(n.name);
      if (cfg && n.kind.name.startsWith('damc-')) writeFileSync(join(labDir, n.name, 'node.json'), JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
    }
    if (topo.file) copyFileSync(topo.file, join(labDir, 'topology.yaml'));
    if (clab.ca) await issueCertificates(topo, labDir, say);
    phase('configs');

    const { mgmtBridge, extPids, dummyKind } = await prepareClabHost(topo, ctx, state, say, notes, (st) => (step = st));
    phase('prepare');

    // Per node: container id and pid once created; per link: a promise settled once it exists.
    const ids = new Map<string, string>();
    const pids = new Map<string, number>();
    const board = new StageBoard(Number(process.env.DAMC_CLAB_STAGE_TIMEOUT_S ?? 300) * 1000);
    const linkDone = new Map<ClabLink, Deferred>(clab.links.map((l) => [l, deferred()]));
    const linksReady = new Set<string>();
    const started = new Set<ClabLink>();
    const skipped = new Set<string>();
    const pidOf = (e: ClabEnd & { t: 'node' | 'ext' }) => (e.t === 'node' ? pids.get(e.node)! : extPids.get(e.container)!.pid);

    const makeLink = async (l: ClabLink) => {
      const d = linkDone.get(l)!;
      try {
        if (nodeEnds(l).some((e) => skipped.has(e.node))) return d.resolve();
        const cmds = linkCommands(l, { pidOf, mgmtBridge, dummyKind });
        state.update((s) => {
          s.hostIfs.push(...cmds.hostIfs);
          for (const e of [l.a, l.b]) if (e?.t === 'ext') s.ext.push({ container: e.container, ifname: e.ifname });
        });
        await ctx.net.batch(cmds.host);
        for (const [pid, lines] of cmds.ns) await ctx.net.batchIn(pid, lines);
        d.resolve();
      } catch (e) {
        // A node whose command exits at once can be gone by the time its links are made.
        const gone = [];
        for (const end of nodeEnds(l)) {
          const info = await ctx.runtime.inspect(ids.get(end.node)!).catch(() => undefined);
          if (!info || info.state !== 'running') gone.push(end.node);
        }
        if (gone.length) {
          for (const g of gone) markExited(g);
          return d.resolve();
        }
        const err = new LabError('CLAB_LINK_FAILED', `link ${l.index + 1} (${describe(l)}) could not be created: ${(e as Error).message}`,
          'an interface of that name may already exist on the host (`ip link show`), or the node has exited');
        d.reject(err);
        throw err;
      }
    };
    /** containerlab keeps a node whose command exits (its links and exec cannot apply). */
    const markExited = (g: string) => {
      if (skipped.has(g)) return;
      skipped.add(g);
      exited.push(g);
      say(`warning: node ${g} exited after start; its links and exec are skipped (see \`docker logs ${containerNameIn(topo, g)}\`)`);
    };
    const stillRunning = async (node: string) => (await ctx.runtime.inspect(ids.get(node)!).catch(() => undefined))?.state === 'running';
    /** Creates each link of `node` whose node ends have all entered create-links. */
    const linksOf = (node: string) => clab.links.filter((l) => nodeEnds(l).some((e) => e.node === node));

    const awaitedHealthy = new Set(nodes.flatMap((n) => Object.values(n.clab!.stages).flatMap((st) => st?.waitFor ?? []))
      .filter((w) => w.stage === 'healthy').map((w) => w.node));
    step = 'links without lab nodes';
    for (const l of clab.links) if (nodeEnds(l).length === 0) await makeLink(l);

    const runStageExec = async (n: ResolvedNode, stage: StageName, phaseName: 'on-enter' | 'on-exit') => {
      for (const x of n.clab!.stages[stage]?.exec ?? []) {
        if (x.phase !== phaseName) continue;
        await stageExec(n, stage, x);
      }
    };
    const stageExec = async (n: ResolvedNode, stage: StageName, x: StageExec) => {
      const cmd = expandMagic(x.command, { labDir, lab: topo.name, node: n.name });
      const words = shellWords(cmd, `node ${n.name}: stages.${stage}.exec`);
      if (x.target === 'host') {
        execs.check(n.name, `${stage} ${x.phase} (host)`, cmd, await runHost(words));
      } else {
        const id = ids.get(n.name);
        if (!id) {
          throw new LabError('CLAB_STAGE_EXEC', `node ${n.name}: stages.${stage}.exec '${cmd}' runs in the container ${x.phase} of ${stage}, before the container exists`,
            'use phase: on-exit, or target: host');
        }
        execs.check(n.name, `${stage} ${x.phase}`, cmd, await execs.run(id, words));
      }
    };
    const enter = async (n: ResolvedNode, stage: StageName) => {
      for (const w of n.clab!.stages[stage]?.waitFor ?? []) await board.wait(w.node, w.stage, n.name);
      await runStageExec(n, stage, 'on-enter');
    };
    const leave = async (n: ResolvedNode, stage: StageName) => {
      await runStageExec(n, stage, 'on-exit');
      board.reach(n.name, stage);
    };

    const walk = async (n: ResolvedNode) => {
      const c = n.clab!;
      await enter(n, 'create');
      const mode = c.networkMode;
      if (mode?.startsWith('container:')) {
        const other = mode.slice('container:'.length);
        if (topo.nodes.has(other)) await board.wait(other, 'create', n.name);
      }
      if (c.startupDelayS) {
        say(`node ${n.name}: startup-delay ${c.startupDelayS} s`);
        await board.guard(new Promise((r) => setTimeout(r, c.startupDelayS * 1000)));
      }
      const spec = clabContainerSpec(topo, n, labDir, ctx.projectDir, images.get(n.name)!,
        (other) => (topo.nodes.has(other) ? containerNameIn(topo, other) : other));
      const id = await ctx.runtime.create(spec);
      ids.set(n.name, id);
      try {
        await ctx.runtime.start(id);
      } catch (e) {
        // A command that does not exist fails the start; containerlab keeps such a node (exited).
        if (!isLabError(e) || e.code !== 'DOCKER_FAILED' || !/executable file not found|no such file or directory/.test(e.message)) throw e;
      }
      const info = await ctx.runtime.inspect(id);
      if (info.state !== 'running' || info.pid <= 0) {
        // containerlab keeps a node whose command exits at once (its links cannot be made).
        skipped.add(n.name);
        exited.push(n.name);
        say(`warning: node ${n.name} is ${info.state} right after start${info.exitCode !== undefined ? ` (exit code ${info.exitCode})` : ''}` +
          `${info.error ? `: ${info.error}` : ''}; its links and exec are skipped (see \`docker logs ${spec.name}\`)`);
      } else {
        pids.set(n.name, info.pid);
        const brs = clab.nodeBridges.filter((b) => b.node === n.name);
        if (brs.length) await ctx.net.batchIn(info.pid, brs.flatMap((b) => [`link add name ${b.bridge} type bridge`, `link set ${b.bridge} up`]));
      }
      await leave(n, 'create');

      await enter(n, 'create-links');
      linksReady.add(n.name);
      for (const l of linksOf(n.name)) {
        // The last of its nodes to get here makes it (once: two may get here together).
        if (started.has(l) || !nodeEnds(l).every((e) => linksReady.has(e.node))) continue;
        started.add(l);
        await makeLink(l);
      }
      await leave(n, 'create-links');

      const configure = (async () => {
        await enter(n, 'configure');
        await board.guard(Promise.all(linksOf(n.name).map((l) => linkDone.get(l)!.p)));
        if (!skipped.has(n.name)) await waitEndsUp(n.name);
        if (!skipped.has(n.name)) {
          for (const cmd of c.exec) {
            const expanded = expandMagic(cmd, { labDir, lab: topo.name, node: n.name });
            execs.check(n.name, 'exec', expanded, await execs.run(id, shellWords(expanded, `node ${n.name}: exec`)));
          }
        }
        await leave(n, 'configure');
      })();
      const healthy = (async () => {
        await enter(n, 'healthy');
        // As containerlab: health is waited for only when another node waits for it.
        if (c.healthcheck && !skipped.has(n.name) && awaitedHealthy.has(n.name)) await waitHealthy(n, id, spec.name);
        await leave(n, 'healthy');
      })();
      await Promise.all([configure, healthy]);
      await enter(n, 'exit');
      await leave(n, 'exit');
    };

    const waitEndsUp = async (node: string) => {
      const pid = pids.get(node)!;
      const ifs = linksOf(node).filter((l) => l.type !== 'dummy').flatMap((l) => nodeEnds(l).filter((e) => e.node === node).map((e) => e.ifname));
      const deadline = Date.now() + 5000;
      for (let round = 1; ; round++) {
        const states = await Promise.all(ifs.map((i) => ctx.net.operstate(pid, i)));
        const down = ifs.filter((_i, k) => states[k] !== 'up');
        if (down.length === 0) return;
        if (round % 25 === 0 && !(await stillRunning(node))) return markExited(node);
        if (Date.now() > deadline) {
          if (!(await stillRunning(node))) return markExited(node);
          throw new LabError('LINK_NOT_UP', `interfaces ${down.join(', ')} of ${node} are not UP after 5 s`, 'a macvlan needs its parent up; check `dmesg` for veth errors');
        }
        await board.guard(new Promise((r) => setTimeout(r, 20)));
      }
    };
    const waitHealthy = async (n: ResolvedNode, id: string, name: string) => {
      const h = n.clab!.healthcheck!;
      const limitS = Math.max(30, (h.startPeriodS ?? 0) + ((h.retries ?? 3) + 1) * ((h.intervalS ?? 30) + (h.timeoutS ?? 30)));
      const deadline = Date.now() + limitS * 1000;
      for (;;) {
        const info = await ctx.runtime.inspect(id);
        if (info.health === 'healthy') return;
        if (info.health === 'unhealthy') throw new LabError('NODE_UNHEALTHY', `node ${n.name}: healthcheck '${h.test.join(' ')}' reports unhealthy`, `see \`docker inspect ${name}\` (State.Health)`);
        if (Date.now() > deadline) throw new LabError('NODE_UNHEALTHY', `node ${n.name} is not healthy after ${limitS} s`, `see \`docker inspect ${name}\` (State.Health)`);
        await board.guard(new Promise((r) => setTimeout(r, 250)));
      }
    };

    step = 'stages';
    const results = await Promise.allSettled(nodes.map(async (n) => {
      try {
        await walk(n);
      } catch (e) {
        failedNode ??= n.name;
        board.fail(e);
        throw e;
      }
    }));
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
    phase('stages');

    step = 'external container exec';
    for (const [name, x] of clab.external) {
      for (const cmd of x.exec) {
        const expanded = expandMagic(cmd, { labDir, lab: topo.name, node: name });
        execs.check(name, 'exec', expanded, await execs.run(extPids.get(name)!.id, shellWords(expanded, `node ${name}: exec`)));
      }
    }
    phase('exec');
    return {
      lab: topo.name,
      alreadyUp: false,
      nodes: nodes.map((n) => ({ node: n.name, kind: n.kind.name, container: containerNameIn(topo, n.name) })),
      links: clab.links.map(describe),
      image: labImage,
      labDir,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
      phases,
      substitutions,
      execs: execs.results,
      exited,
      notes,
    };
  } catch (e) {
    failedNode ??= (e as { node?: string }).node;
    const removed = await removeAll().catch(() => [] as string[]);
    const left = await cleanupClab(ctx, labDir).catch(() => [] as string[]);
    rmSync(labDir, { recursive: true, force: true });
    const what = isLabError(e) ? e.message : (e as Error).message;
    throw new LabError('DEPLOY_FAILED',
      `deploy of lab ${topo.name} failed at step '${step}'${failedNode ? ` on node ${failedNode}` : ''}: ${what}`,
      `removed the ${removed.length} container(s) it had created` + (left.length ? `; could not remove ${left.join(', ')}` : '') +
      (isLabError(e) && e.hint ? `; ${e.hint}` : ''), { cause: e });
  }
}

export function describe(l: ClabLink): string {
  const e = (x: ClabEnd | undefined): string => {
    if (!x) return l.type === 'macvlan' ? `macvlan:${l.parent}` : 'dummy';
    return x.t === 'node' ? `${x.node}:${x.ifname}` : x.t === 'ext' ? `${x.container}:${x.ifname}` : x.t === 'bridge' ? `${x.bridge}:${x.ifname}` : `${x.t}:${x.ifname}`;
  };
  return `${e(l.a)} <-> ${e(l.b)}`;
}
