/**
 * A whole lab in one process: every router (RouterNode, with the SG's registrar), every SPA
 * (SpaNode) and every pod's announcement agent (PodAgent) of a topology, joined by memory links
 * (fabric, pod–SG and SG–SPA alike) in virtual time. Node configs come from src/topology, keys
 * included, exactly as deploy writes them.
 */
import type { Face } from '../../src/face/face.js';
import { MemoryLink, MemoryLinkWatcher } from '../../src/face/memory-link.js';
import type { NodeConfig } from '../../src/node/config.js';
import { PodAgent } from '../../src/node/pod/agent.js';
import { fabricInterfaces, RouterNode } from '../../src/node/router-node.js';
import { SpaNode } from '../../src/node/spa/index.js';
import { MemorySeqStore, VirtualScheduler } from '../../src/routing/index.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';
import { logger, type Logger } from '../../src/util/log.js';

export interface LabNetOptions {
  /** Changes each node's config before it starts (timers, policy…). */
  tweak?: (c: NodeConfig) => void;
  /** Control sockets: node -> path. */
  sockets?: Record<string, string>;
  delayMs?: number;
}

export class LabNet {
  readonly sched = new VirtualScheduler();
  readonly cfgs: Map<string, NodeConfig>;
  readonly routers = new Map<string, RouterNode>();
  readonly spas = new Map<string, SpaNode>();
  readonly pods = new Map<string, PodAgent>();
  /** "node:iface" of either end -> its link. */
  readonly links = new Map<string, MemoryLink>();
  /** node -> iface -> face. */
  readonly faces = new Map<string, Map<string, Face>>();
  readonly log: Logger;
  /** Warnings logged, with the node that logged them (rejections, ignored prefixes…). */
  readonly warnings: { node: string; msg: string; obj: Record<string, unknown> }[] = [];

  constructor(file: string, private readonly o: LabNetOptions = {}) {
    this.cfgs = buildNodeConfigs(loadTopology(file));
    for (const c of this.cfgs.values()) o.tweak?.(c);
    this.log = logger('test:lab', {});
    this.log.level = 'silent';
  }

  private logFor(node: string): Logger {
    const warnings = this.warnings;
    const base = this.log.child({ node });
    return new Proxy(base, {
      get(t, k, r) {
        if (k === 'warn') return (obj: Record<string, unknown>, msg: string) => warnings.push({ node, msg, obj });
        return Reflect.get(t, k, r) as unknown;
      },
    });
  }

  async start(): Promise<this> {
    const watchers = new Map<string, MemoryLinkWatcher>();
    for (const c of this.cfgs.values()) watchers.set(c.node, new MemoryLinkWatcher());
    for (const c of this.cfgs.values()) if (!this.faces.has(c.node)) this.faces.set(c.node, new Map());
    for (const c of this.cfgs.values()) {
      for (const i of c.interfaces) {
        if (c.node > i.peerNode && this.cfgs.has(i.peerNode)) continue; // one link per pair of ends
        if (c.kind === 'linux' || i.peerKind === 'linux') continue;
        const l = new MemoryLink({ ifname: i.name, watcher: watchers.get(c.node) }, { ifname: i.peerIface, watcher: watchers.get(i.peerNode) },
          { scheduler: this.sched, delayMs: this.o.delayMs ?? 1, mtu: i.mtu });
        this.links.set(`${c.node}:${i.name}`, l);
        this.links.set(`${i.peerNode}:${i.peerIface}`, l);
        this.faces.get(c.node)!.set(i.name, l.a);
        if (!this.faces.has(i.peerNode)) this.faces.set(i.peerNode, new Map());
        this.faces.get(i.peerNode)!.set(i.peerIface, l.b);
      }
    }
    for (const c of this.cfgs.values()) {
      const f = this.faces.get(c.node)!;
      const socket = this.o.sockets?.[c.node];
      if (c.kind === 'damc-sg' || c.kind === 'damc-sr' || c.kind === 'damc-scsc') { // the SCSC runs routing as a stub router
        const fabric = new Set(fabricInterfaces(c).map((i) => i.name));
        const n = new RouterNode(c, {
          faces: [...f.values()].filter((x) => fabric.has(x.ifname)), serviceFaces: [...f.values()].filter((x) => !fabric.has(x.ifname)),
          watcher: watchers.get(c.node), scheduler: this.sched, seqStore: new MemorySeqStore(), log: this.logFor(c.node),
          ...(socket ? { controlPath: socket } : {}),
        });
        await n.start();
        this.routers.set(c.node, n);
      } else if (c.kind === 'damc-spa') {
        await this.startSpa(c.node);
      }
    }
    for (const c of this.cfgs.values()) if (c.kind === 'damc-pod') await this.startPod(c.node);
    return this;
  }

  async startSpa(node: string): Promise<SpaNode> {
    const c = this.cfgs.get(node)!;
    const s = new SpaNode(c, { faces: [...this.faces.get(node)!.values()], scheduler: this.sched, log: this.logFor(node), ...(this.o.sockets?.[node] ? { controlPath: this.o.sockets[node] } : {}) });
    await s.start();
    this.spas.set(node, s);
    return s;
  }

  async startPod(node: string, instances?: string[]): Promise<PodAgent> {
    const c = this.cfgs.get(node)!;
    const face = [...this.faces.get(node)!.values()][0]!;
    const a = new PodAgent(c, { face, scheduler: this.sched, log: this.logFor(node), ...(instances ? { instances } : {}) });
    await a.start();
    this.pods.set(node, a);
    return a;
  }

  /** The faces of the two ends of a link, seen from `node`: [ours, theirs]. */
  ends(node: string, iface: string): [Face, Face] {
    const l = this.links.get(`${node}:${iface}`)!;
    const mine = this.faces.get(node)!.get(iface)!;
    return [mine, mine === l.a ? l.b : l.a];
  }

  fibPrefixes(node: string): string[] {
    return this.routers.get(node)!.views.fib().map((e) => e.prefix);
  }

  /** Runs virtual time until `done` holds (checked every `stepMs`); returns the ms it took, or -1. */
  until(done: () => boolean, limitMs = 20_000, stepMs = 10): number {
    return this.sched.runUntil(done, limitMs, stepMs);
  }

  stop(): void {
    for (const a of this.pods.values()) a.stop();
    for (const s of this.spas.values()) s.stop();
    for (const r of this.routers.values()) r.stop();
  }
}
