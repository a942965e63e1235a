/**
 * Deploy: configs → containers (parallel create, parallel start) → veths (one host batch) →
 * interfaces up (one namespace batch per node, parallel). Idempotent; a failure at any point
 * removes everything labelled with the lab and says which step and which node failed.
 */
import { mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_CONFIG_PATH, stampNodeConfig } from '../config/index.js';
import { buildNodeConfigs, PROJECT_MOUNT, proxyEnv, type ResolvedNode, type ResolvedTopology, peerOf } from '../topology/index.js';
import { LabError, isLabError } from '../util/errors.js';
import { deployClab, type ClabDeployOptions } from './clab-deploy.js';
import type { LabContext } from './context.js';
import { IpBatchError } from './host-net.js';
import { LABEL_IFACES, LABEL_KIND, LABEL_LAB, LABEL_LABDIR, LABEL_NODE, LABEL_POOL, LABEL_TIMERS, LABEL_TOPOLOGY, containerName, containerNameIn } from './labels.js';
import { describeLink, planLinks } from './link-plan.js';
import { applyTopologyNetem } from './netem.js';
import { NodeImage } from './node-image.js';
import { settleAll, SettledError } from './parallel.js';
import { HOSTED_CMD, startPools, stopPools } from './pools.js';
import type { DeployReport } from './reports.js';
import type { ContainerSpec } from './runtime.js';

export function containerSpec(topo: ResolvedTopology, n: ResolvedNode, labDir: string, ctx: LabContext, labImage: string | undefined): ContainerSpec {
  const pool = topo.hosting.pools.get(n.name);
  const ifaces: Record<string, string> = {};
  for (const i of n.interfaces) {
    const p = peerOf(i);
    ifaces[i.name] = `${p.node.name}:${p.name}`;
  }
  return {
    name: containerName(topo.name, n.name),
    hostname: n.name,
    image: n.image ?? labImage ?? '',
    ...(n.image ? {} : { entrypoint: NodeImage.entrypoint }),
    cmd: pool ? HOSTED_CMD : n.cmd,
    env: {
      ...(n.kind.name === 'damc-pod' ? proxyEnv(topo.addresses, n.name) : {}), ...n.env, DAMC_LAB: topo.name, DAMC_NODE: n.name, DAMC_IFACES: n.interfaces.map((i) => i.name).join(' '),
      // A router waits for its interfaces itself (src/node/router-main.ts), so it loads its
      // program while the lab still starts the other containers, not all at once after the
      // links are plugged (0.2-0.3 s of CPU per process, 275 of them on 2 cores).
      ...(n.kind.router && !n.image ? { DAMC_IFACE_WAIT_S: '0' } : {}),
      ...(pool ? { DAMC_POOL: pool } : {}),
    },
    labels: {
      ...n.labels,
      [LABEL_LAB]: topo.name,
      [LABEL_NODE]: n.name,
      [LABEL_KIND]: n.kind.name,
      [LABEL_LABDIR]: labDir,
      [LABEL_IFACES]: JSON.stringify(ifaces),
      ...(n.kind.router ? { [LABEL_TIMERS]: JSON.stringify(topo.timers) } : {}),
      ...(topo.file ? { [LABEL_TOPOLOGY]: topo.file } : {}),
      ...(pool ? { [LABEL_POOL]: pool } : {}),
    },
    binds: [`${ctx.projectDir}:${PROJECT_MOUNT}:ro`, `${join(labDir, n.name, 'node.json')}:${NODE_CONFIG_PATH}:ro`, ...n.binds],
    capAdd: ['NET_ADMIN', 'NET_RAW'],
    // Fabric links carry DAMC frames only: no IPv6 router solicitations or MLD on them. No
    // node routes IPv4 either (dockerd turned forwarding on in the host, which namespaces
    // inherit): pod traffic crosses the lab as DAMC packets or not at all.
    sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1', 'net.ipv4.ip_forward': '0' },
  };
}

export async function deploy(topo: ResolvedTopology, ctx: LabContext, removeAll: () => Promise<string[]>, opts: ClabDeployOptions = {}): Promise<DeployReport> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = round((now - mark) / 1000);
    mark = now;
  };
  const labDir = join(ctx.labRoot, topo.name);
  const nodes = [...topo.nodes.values()];
  const report = (alreadyUp: boolean, image: string | undefined): DeployReport => ({
    lab: topo.name,
    alreadyUp,
    nodes: nodes.map((n) => ({ node: n.name, kind: n.kind.name, container: containerNameIn(topo, n.name) })),
    links: topo.links.map(describeLink),
    image,
    labDir,
    seconds: round((performance.now() - t0) / 1000),
    phases,
  });

  await ctx.runtime.ping();
  const existing = await ctx.runtime.list({ [LABEL_LAB]: topo.name });
  if (existing.length > 0) {
    const up = new Set(existing.filter((c) => c.state === 'running').map((c) => c.labels[LABEL_NODE]));
    if (existing.length === nodes.length && nodes.every((n) => up.has(n.name))) return report(true, undefined);
    const stopped = existing.length === nodes.length ? nodes.filter((n) => !up.has(n.name)).map((n) => n.name) : [];
    throw new LabError('LAB_PARTIAL',
      `lab ${topo.name} is partly there: ${existing.length} container(s), ${up.size} running, of ${nodes.length} nodes`,
      stopped.length
        ? `bring the stopped node(s) back with their links: ${stopped.map((n) => `\`./lab restart --lab ${topo.name} ${n}\``).join(', ')}`
        : `remove it with \`./lab destroy --lab ${topo.name}\`, then deploy again`);
  }

  // containerlab files walk containerlab's stages (src/lab/clab-deploy.ts).
  if (topo.clab) return deployClab(topo, ctx, removeAll, opts);

  const image = nodes.some((n) => !n.image) ? await ctx.image.ensure() : undefined;
  phase('image');

  let step = 'write configs';
  let node: string | undefined;
  try {
    const configs = buildNodeConfigs(topo);
    rmSync(labDir, { recursive: true, force: true });
    for (const [name, cfg] of configs) {
      mkdirSync(join(labDir, name), { recursive: true });
      // Checked against the schema here, once, and stamped: the node then skips loading zod.
      writeFileSync(join(labDir, name, 'node.json'), JSON.stringify(stampNodeConfig(cfg, name), null, 2) + '\n', { mode: 0o600 });
    }
    if (topo.file) copyFileSync(topo.file, join(labDir, 'topology.yaml'));
    phase('configs');

    step = 'create containers';
    const ids = new Map<string, string>();
    await settleAll(nodes, ctx.concurrency, async (n) => {
      ids.set(n.name, await ctx.runtime.create(containerSpec(topo, n, labDir, ctx, image)));
    });
    phase('create');

    step = 'start containers';
    const pids = new Map<string, number>();
    await settleAll(nodes, ctx.concurrency, async (n) => {
      const id = ids.get(n.name)!;
      await ctx.runtime.start(id);
      const info = await ctx.runtime.inspect(id);
      if (info.state !== 'running' || info.pid <= 0) {
        throw new LabError('NODE_EXITED', `container ${info.name} is ${info.state} right after start`, `see \`docker logs ${info.name}\``);
      }
      pids.set(n.name, info.pid);
    });
    phase('start');

    step = 'create links';
    node = undefined;
    const plan = planLinks(topo, (n) => pids.get(n)!);
    try {
      await ctx.net.batch(plan.hostLines);
    } catch (e) {
      if (e instanceof IpBatchError && e.line !== undefined && plan.links[e.line - 1]) {
        step = `create link ${describeLink(plan.links[e.line - 1]!)}`;
      }
      throw e;
    }
    phase('veths');
    step = 'bring interfaces up';
    await settleAll(nodes, ctx.concurrency, (n) => ctx.net.batchIn(pids.get(n.name)!, plan.perNode.get(n.name)!));
    phase('up');
    step = 'wait for links up';
    await settleAll(nodes, ctx.concurrency, (n) => waitUp(ctx, n, pids.get(n.name)!));
    phase('ready');
    step = 'apply netem';
    if (await applyTopologyNetem(topo, labDir, pids)) phase('netem');
    if (topo.hosting.pools.size) {
      step = 'start shared router processes';
      await startPools(topo.name, labDir, ctx.projectDir, topo.hosting.pools, pids);
      phase('routers');
      const k = new Set(topo.hosting.pools.values()).size;
      return { ...report(false, image), notes: [`${topo.hosting.pools.size} SR routers run in ${k} shared router process${k > 1 ? 'es' : ''} on this host (hosting: shared; logs: docker logs <node>, the processes' own in ${labDir}/pool-*.log)`] };
    }
    return report(false, image);
  } catch (e) {
    let cause = e;
    if (e instanceof SettledError) {
      node = (e.item as ResolvedNode).name;
      cause = e.error;
    }
    await stopPools(labDir).catch(() => undefined);
    const removed = await removeAll().catch(() => [] as string[]);
    rmSync(labDir, { recursive: true, force: true });
    const what = isLabError(cause) ? cause.message : (cause as Error).message;
    throw new LabError('DEPLOY_FAILED',
      `deploy of lab ${topo.name} failed at step '${step}'${node ? ` on node ${node}` : ''}: ${what}`,
      `removed the ${removed.length} container(s) it had created` + (isLabError(cause) && cause.hint ? `; ${cause.hint}` : ''),
      { cause });
  }
}

/** Carrier follows admin-up within milliseconds; deploy returns only once every end says UP. */
export async function waitUp(ctx: LabContext, n: ResolvedNode, pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(n.interfaces.map((i) => ctx.net.operstate(pid, i.name)));
    const down = n.interfaces.filter((_i, k) => states[k] !== 'up');
    if (down.length === 0) return;
    if (Date.now() > deadline) {
      throw new LabError('LINK_NOT_UP', `interfaces ${down.map((i) => i.name).join(', ')} of ${n.name} are not UP after ${timeoutMs} ms`,
        'check `dmesg` for veth errors');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
