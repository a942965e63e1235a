/**
 * Restarting one node. A container's veths die with its network namespace, so `docker
 * restart` alone brings a node back unplugged. This stops the node (if it runs), starts it,
 * and re-creates each of its links to a running peer from the same plan deploy used (same
 * names, MTU, ifindexes, pod addresses), so the node's entrypoint finds its interfaces and
 * its program starts as it did at deploy.
 */
import { LabError } from '../util/errors.js';
import type { ResolvedInterface, ResolvedTopology } from '../topology/index.js';
import type { LabContext } from './context.js';
import { waitUp } from './deploy.js';
import { IpBatchError } from './host-net.js';
import { LABEL_LAB, LABEL_NODE } from './labels.js';
import { describeLink, planLinks } from './link-plan.js';

export interface RestartReport {
  lab: string;
  node: string;
  /** Links re-created, "a:eth1 <-> b:eth1". */
  links: string[];
  /** Links left out because the peer is not running. */
  skipped: string[];
  /** Impairments (lab netem) put back on the node's new interfaces, "sr1:eth2 (delay 20ms)". */
  impairments: string[];
  seconds: number;
}

export async function restartNode(topo: ResolvedTopology, ctx: LabContext, node: string, stopTimeoutS = 2): Promise<RestartReport> {
  const t0 = performance.now();
  const n = topo.nodes.get(node);
  if (!n) {
    throw new LabError('NODE_NOT_FOUND', `lab ${topo.name} has no node ${node}`, `nodes are: ${[...topo.nodes.keys()].sort().join(', ')}`);
  }
  await ctx.runtime.ping();
  const cs = await ctx.runtime.list({ [LABEL_LAB]: topo.name });
  const mine = cs.find((c) => c.labels[LABEL_NODE] === node);
  if (!mine) {
    throw new LabError('NODE_NOT_FOUND', `node ${node} of lab ${topo.name} has no container`, `deploy the lab first: ./lab deploy <topology>`);
  }
  await ctx.runtime.stop(mine.id, stopTimeoutS);
  await ctx.runtime.start(mine.id);
  const info = await ctx.runtime.inspect(mine.id);
  if (info.state !== 'running' || info.pid <= 0) {
    throw new LabError('NODE_EXITED', `container ${info.name} is ${info.state} right after start`, `see \`docker logs ${info.name}\``);
  }

  const pids = new Map<string, number>([[node, info.pid]]);
  for (const c of cs) {
    const name = c.labels[LABEL_NODE];
    if (!name || name === node) continue;
    const i = await ctx.runtime.inspect(c.id);
    if (i.state === 'running' && i.pid > 0) pids.set(name, i.pid);
  }
  const plan = planLinks(topo, (x) => pids.get(x) ?? 0);
  const touching = plan.links.map((l, k) => ({ l, line: plan.hostLines[k]! })).filter(({ l }) => l.a.node.name === node || l.b.node.name === node);
  const live = touching.filter(({ l }) => pids.has(l.a.node.name) && pids.has(l.b.node.name));
  try {
    if (live.length) await ctx.net.batch(live.map((x) => x.line));
  } catch (e) {
    const at = e instanceof IpBatchError && e.line !== undefined ? live[e.line - 1] : undefined;
    throw new LabError('RESTART_LINKS', `restart of ${node}: could not re-create ${at ? describeLink(at.l) : 'its links'}: ${(e as Error).message}`,
      `the node is running without those links; \`./lab restart --lab ${topo.name} ${node}\` tries again`, { cause: e });
  }
  // The node gets its whole deploy-time batch (lo, addresses, default route); each peer only
  // brings its new end up.
  await ctx.net.batchIn(info.pid, plan.perNode.get(node)!.filter((line) => !isForDeadPeer(line, n.interfaces, pids)));
  for (const { l } of live) {
    const peer = l.a.node.name === node ? l.b : l.a;
    await ctx.net.batchIn(pids.get(peer.node.name)!, [`link set ${peer.name} up`]);
  }
  const up = { ...n, interfaces: n.interfaces.filter((i) => pids.has(peerNode(i))) };
  await waitUp(ctx, up, info.pid);
  return {
    lab: topo.name,
    node,
    links: live.map(({ l }) => describeLink(l)),
    skipped: touching.filter((x) => !live.includes(x)).map(({ l }) => describeLink(l)),
    impairments: [],
    seconds: Math.round((performance.now() - t0) / 10) / 100,
  };
}

function peerNode(i: ResolvedInterface): string {
  return i.link.a === i ? i.link.b.node.name : i.link.a.node.name;
}

/** Lines about an interface whose peer is down (it was not re-created) would fail the batch. */
function isForDeadPeer(line: string, ifaces: ResolvedInterface[], pids: Map<string, number>): boolean {
  const dev = /(?:link set|dev) (\S+)/.exec(line)?.[1];
  const i = ifaces.find((x) => x.name === dev);
  return !!i && !pids.has(peerNode(i));
}
