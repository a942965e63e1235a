/**
 * figure2's service plane in one process: routers over memory links (virtual time, pumped by a
 * real 1 ms timer so HTTP I/O and packets move together), pods' built-in instances as real HTTP
 * servers on loopback, SPAs and pod agents (SGs advertise only granted prefixes), and each SG's
 * proxy on loopback; with an optional node-config tweak. Used by the service and scheduling tests.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { Face } from '../../src/face/face.js';
import { MemoryLink, MemoryLinkWatcher } from '../../src/face/memory-link.js';
import type { NodeConfig } from '../../src/node/config.js';
import { PodAgent } from '../../src/node/pod/agent.js';
import { Pod } from '../../src/node/pod/pod-main.js';
import { fabricInterfaces, RouterNode } from '../../src/node/router-node.js';
import { SpaNode } from '../../src/node/spa/index.js';
import { MemorySeqStore, VirtualScheduler } from '../../src/routing/index.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';
import { logger } from '../../src/util/log.js';

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

export class ServiceNet {
  readonly sched = new VirtualScheduler();
  readonly cfgs = buildNodeConfigs(loadTopology('topologies/figure2.yaml'));
  readonly routers = new Map<string, RouterNode>();
  readonly pods = new Map<string, Pod>();
  readonly links = new Map<string, MemoryLink>();
  private readonly agent = new Agent({ keepAlive: true });
  private pump: NodeJS.Timeout | undefined;
  /** The signaling side: each pod's announcement agent and each SG's SPA, so SGs advertise granted prefixes. */
  private readonly signaling: { stop(): void }[] = [];

  constructor(private readonly tweak: (c: NodeConfig) => NodeConfig = (c) => c) {}

  async start(): Promise<void> {
    const log = logger('test:sched', {});
    log.level = 'silent';
    const ports = new Map<string, number>();
    for (const c of this.cfgs.values()) {
      if (c.kind !== 'damc-pod') continue;
      const pod = new Pod({ ...c, podServices: c.podServices!.map((s) => ({ ...s, port: 0 })) }, log);
      await pod.start(undefined);
      this.pods.set(c.node, pod);
      for (const [k, v] of pod.boundPorts()) ports.set(k, v);
    }
    const faces = new Map<string, Face[]>();
    const watchers = new Map<string, MemoryLinkWatcher>();
    const rcs = [...this.cfgs.values()].filter((c) => c.kind === 'damc-sg' || c.kind === 'damc-sr' || c.kind === 'damc-scsc');
    for (const c of rcs) watchers.set(c.node, new MemoryLinkWatcher());
    for (const c of rcs) {
      for (const i of fabricInterfaces(c)) {
        if (c.node > i.peerNode) continue;
        const l = new MemoryLink({ ifname: i.name, watcher: watchers.get(c.node) }, { ifname: i.peerIface, watcher: watchers.get(i.peerNode) }, { scheduler: this.sched, delayMs: 0.2, mtu: i.mtu });
        this.links.set(`${c.node}:${i.name}`, l);
        faces.set(c.node, [...(faces.get(c.node) ?? []), l.a]);
        faces.set(i.peerNode, [...(faces.get(i.peerNode) ?? []), l.b]);
      }
    }
    // Pod–SG and SG–SPA links carry class 1 and 3: agents and SPAs on their far ends.
    const serviceFaces = new Map<string, Face[]>();
    const agents: PodAgent[] = [];
    for (const c of rcs) {
      for (const i of c.interfaces) {
        if (c.kind !== 'damc-sg' || (i.peerKind !== 'damc-pod' && i.peerKind !== 'damc-spa')) continue;
        const l = new MemoryLink({ ifname: i.name }, { ifname: i.peerIface }, { scheduler: this.sched, delayMs: 0.2, mtu: i.mtu });
        serviceFaces.set(c.node, [...(serviceFaces.get(c.node) ?? []), l.a]);
        const peer = this.cfgs.get(i.peerNode)!;
        if (i.peerKind === 'damc-spa') {
          const spa = new SpaNode(peer, { faces: [l.b], scheduler: this.sched, log });
          await spa.start();
          this.signaling.push(spa);
        } else agents.push(new PodAgent(peer, { face: l.b, scheduler: this.sched, log }));
      }
    }
    for (const c of rcs) {
      const cfg = this.tweak({
        ...c,
        ...(c.gatewayPods ? { gatewayPods: c.gatewayPods.map((p) => ({ ...p, address: '127.0.0.1', instances: p.instances.map((i) => ({ ...i, port: ports.get(i.instance)! })) })) } : {}),
      });
      const n = new RouterNode(cfg, {
        faces: faces.get(c.node)!, serviceFaces: serviceFaces.get(c.node) ?? [], watcher: watchers.get(c.node), scheduler: this.sched, seqStore: new MemorySeqStore(), log,
        proxy: { listen: true, listenHost: '127.0.0.1', listenPort: 0, metricsPort: 0, timeoutMs: 5_000 },
      });
      await n.start();
      this.routers.set(c.node, n);
    }
    for (const a of agents) {
      await a.start();
      this.signaling.push(a);
    }
    assert.ok(this.sched.runUntil(() => [...this.routers.values()].every((r) => r.views.fib().length >= 20), 5_000, 5) >= 0, 'converged');
    this.pump = setInterval(() => this.sched.advance(1), 1);
  }

  stop(): void {
    clearInterval(this.pump);
    for (const x of this.signaling) x.stop();
    for (const n of this.routers.values()) n.stop();
    for (const p of this.pods.values()) p.stop();
    this.agent.destroy();
  }

  sg(node: string): RouterNode {
    return this.routers.get(node)!;
  }

  /** An HTTP request through a pod's SG proxy, as curl sends it with http_proxy set. */
  call(pod: string, url: string): Promise<Answer> {
    const port = this.routers.get(this.cfgs.get(pod)!.interfaces[0]!.peerNode)!.service!.port;
    return new Promise((resolve, reject) => {
      const u = /^http:\/\/([^/]+)(.*)$/.exec(url)!;
      const r = request({ host: '127.0.0.1', port, path: url, agent: this.agent, headers: { host: u[1]! } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      });
      r.on('error', reject);
      r.end();
    });
  }
}
