/**
 * A lab and its verbs (Mininet habit: verbs on the network object, shared by CLI and tests).
 * Only deploy needs the topology; destroy, inspect and exec find containers by label, so they
 * work after the lab directory is gone or a deploy was killed half-way.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatNetem, loadTopology, type LoadOptions, type ResolvedTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import type { LabContext } from './context.js';
import type { ClabDeployOptions } from './clab-deploy.js';
import { cleanupClab } from './clab-state.js';
import { deploy } from './deploy.js';
import { restartNode, type RestartReport } from './restart.js';
import { netemReset, netemSet, netemShow } from './netem.js';
import { endName } from './links.js';
import { LABEL_IFACES, LABEL_KIND, LABEL_LAB, LABEL_LABDIR, LABEL_NODE, LABEL_POOL, LABEL_TIMERS } from './labels.js';
import { attachHosted, stopPools } from './pools.js';
import { settleAll } from './parallel.js';
import type { DeployReport, DestroyReport, InterfaceStatus, NodeStatus } from './reports.js';
import type { ContainerInfo, ExecStreams } from './runtime.js';

export class Lab {
  constructor(readonly name: string, readonly ctx: LabContext, readonly topology?: ResolvedTopology) {}

  /** A lab from a topology file; `name` overrides the file's `name:`. */
  static fromFile(file: string, ctx: LabContext, opts: LoadOptions = {}): Lab {
    const topo = loadTopology(file, opts);
    return new Lab(topo.name, ctx, topo);
  }

  /** Names of the labs that have containers on this machine. */
  static async names(ctx: LabContext): Promise<string[]> {
    await ctx.runtime.ping();
    const cs = await ctx.runtime.list({ [LABEL_LAB]: true });
    return [...new Set(cs.map((c) => c.labels[LABEL_LAB]!))].sort();
  }

  /** The lab holding `node`, when exactly one running lab has a node of that name. */
  static async withNode(node: string, ctx: LabContext): Promise<Lab> {
    await ctx.runtime.ping();
    const labs = [...new Set((await ctx.runtime.list({ [LABEL_NODE]: node })).map((c) => c.labels[LABEL_LAB]!))];
    if (labs.length === 1) return new Lab(labs[0]!, ctx);
    if (labs.length === 0) {
      throw new LabError('NODE_NOT_FOUND', `no lab on this machine has a node named ${node}`, 'see `./lab inspect --all`');
    }
    throw new LabError('NODE_AMBIGUOUS', `node ${node} exists in labs ${labs.sort().join(', ')}`, 'say which with --lab <name> or the topology file');
  }

  get dir(): string {
    return join(this.ctx.labRoot, this.name);
  }

  /** `imageFallback`: containerlab nodes whose image is not here and cannot be pulled run on the lab image. */
  async deploy(opts: ClabDeployOptions = {}): Promise<DeployReport> {
    if (!this.topology) {
      throw new LabError('TOPOLOGY_REQUIRED', `lab ${this.name} was opened without a topology`, 'deploy from a topology file: ./lab deploy <file>');
    }
    return deploy(this.topology, this.ctx, () => this.removeContainers(), opts);
  }

  /**
   * Stops and starts one node and plugs its links back in (a container's veths die with it).
   * The topology is the one this lab was opened with, else the copy deploy kept in the lab
   * directory.
   */
  async restart(node: string): Promise<RestartReport> {
    const c = await this.container(node);
    if (c.labels.containerlab !== undefined) {
      throw new LabError('CLAB_RESTART', `node ${node} belongs to containerlab lab ${this.name}: restart re-plugs DAMC links only`,
        `redeploy it: ./lab destroy --lab ${this.name}, then ./lab deploy -t <file>`);
    }
    const kept = join(this.dir, 'topology.yaml');
    const topo = this.topology ?? (existsSync(kept) ? loadTopology(kept, { name: this.name }) : undefined);
    if (!topo) {
      throw new LabError('TOPOLOGY_REQUIRED', `lab ${this.name} has no topology copy in ${this.dir}`, 'name the topology file: ./lab restart -t <file> <node>');
    }
    // The node's relays die with its namespace: note its impairments, then put them back on the
    // new interfaces (the peers' ends keep theirs; their relays live in the peers' namespaces).
    // A relay keeps the old namespace (and so the old veths) alive, so stop them first.
    const held = (await netemShow(this, node)).filter((x) => x.state);
    for (const x of held) await netemReset(this, endName(x.end));
    const r = await restartNode(topo, this.ctx, node);
    const pool = c.labels[LABEL_POOL];
    if (pool) {
      const now = await this.container(node);
      await attachHosted(this.name, c.labels[LABEL_LABDIR] ?? this.dir, this.ctx.projectDir, pool, node, now.pid);
    }
    for (const x of held) {
      if (!r.links.some((l) => l.split(' <-> ').includes(endName(x.end)))) continue;
      await netemSet(this, endName(x.end), x.state!.settings);
      r.impairments.push(`${endName(x.end)} (${formatNetem(x.state!.settings)})`);
    }
    return r;
  }

  async destroy(): Promise<DestroyReport> {
    const t0 = performance.now();
    await this.ctx.runtime.ping();
    const dirs = new Set((await this.containers()).map((c) => c.labels[LABEL_LABDIR]).filter((d): d is string => !!d));
    // Shared router processes first (they hold the namespaces of the containers they serve).
    for (const d of new Set([...dirs, this.dir])) await stopPools(d);
    const removed = await this.removeContainers();
    // containerlab labs: the management network, bridges and host interfaces they made.
    const left: string[] = [];
    for (const d of [...dirs, this.dir]) left.push(...await cleanupClab(this.ctx, d));
    for (const d of [...dirs, this.dir]) rmSync(d, { recursive: true, force: true });
    return { lab: this.name, removed, seconds: Math.round((performance.now() - t0) / 10) / 100, ...(left.length ? { left } : {}) };
  }

  async inspect(): Promise<NodeStatus[]> {
    await this.ctx.runtime.ping();
    const cs = await this.containers();
    const out = await settleAll(cs, this.ctx.concurrency, async (c): Promise<NodeStatus> => {
      const info = await this.ctx.runtime.inspect(c.id);
      const peers = parseIfaces(info.labels[LABEL_IFACES]);
      const seen = info.state === 'running' && info.pid > 0 ? await this.ctx.net.links(info.pid).catch(() => []) : [];
      const interfaces: InterfaceStatus[] = Object.entries(peers).map(([name, peer]) => {
        const l = seen.find((s) => s.ifname === name);
        return { name, peer, state: l ? l.operstate : 'absent', mtu: l?.mtu, ...(l?.ipv4 ? { ipv4: l.ipv4.join(',') } : {}) };
      });
      return {
        lab: this.name,
        node: info.labels[LABEL_NODE] ?? info.name,
        kind: info.labels[LABEL_KIND] ?? '?',
        container: info.name,
        state: info.state,
        image: info.image,
        pid: info.pid,
        id: info.id,
        ...(info.labels.containerlab !== undefined ? { clab: true } : {}),
        ...(info.ipv4 ? { ipv4: info.ipv4 } : {}),
        ...(info.ipv6 ? { ipv6: info.ipv6 } : {}),
        interfaces,
        ...(info.labels[LABEL_POOL] ? { pool: info.labels[LABEL_POOL] } : {}),
        ...(info.labels[LABEL_TIMERS] ? { timers: JSON.parse(info.labels[LABEL_TIMERS]) as NodeStatus['timers'] } : {}),
      };
    });
    return out.sort((a, b) => a.node.localeCompare(b.node, 'en', { numeric: true }));
  }

  /** Runs cmd in the node, streaming its output; resolves to the command's exit code. */
  async exec(node: string, cmd: string[], io: ExecStreams = {}): Promise<number> {
    const c = await this.container(node);
    if (c.state !== 'running') {
      throw new LabError('NODE_NOT_RUNNING', `node ${node} of lab ${this.name} is ${c.state}`, `see \`docker logs ${c.name}\``);
    }
    return this.ctx.runtime.exec(c.id, cmd, io);
  }

  /** The node's container (with PID), for tools that enter it. */
  async container(node: string): Promise<ContainerInfo> {
    await this.ctx.runtime.ping();
    const found = await this.ctx.runtime.list({ [LABEL_LAB]: this.name, [LABEL_NODE]: node });
    if (!found[0]) {
      const nodes = (await this.containers()).map((c) => c.labels[LABEL_NODE]).sort();
      throw new LabError('NODE_NOT_FOUND', `lab ${this.name} has no node ${node}`,
        nodes.length ? `nodes are: ${nodes.join(', ')}` : `lab ${this.name} is not deployed`);
    }
    return this.ctx.runtime.inspect(found[0].id);
  }

  private containers(): Promise<ContainerInfo[]> {
    return this.ctx.runtime.list({ [LABEL_LAB]: this.name });
  }

  private async removeContainers(): Promise<string[]> {
    const cs = await this.containers();
    await settleAll(cs, Math.max(this.ctx.concurrency, 16), (c) => this.ctx.runtime.remove(c.id));
    return cs.map((c) => c.name).sort();
  }
}

function parseIfaces(label: string | undefined): Record<string, string> {
  try {
    return label ? (JSON.parse(label) as Record<string, string>) : {};
  } catch {
    return {};
  }
}
