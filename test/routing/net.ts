/**
 * Test harness: N routers in one process over memory links in virtual time, each with its
 * own Ed25519 key and the shared trust map, plus an independent expectation of every FIB
 * (Floyd–Warshall over the links that are up, costs per direction).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { MemoryLink, MemoryLinkWatcher } from '../../src/face/memory-link.js';
import { RouterHost } from '../../src/node/router-host.js';
import { MemorySeqStore, TrustMapCrypto, VirtualScheduler, type RouterEvent, type RouterTimers } from '../../src/routing/index.js';
import { Name, rawPublicKey } from '../../src/wire/index.js';

export const TIMERS: RouterTimers = {
  helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 60, lsaRefreshS: 20,
  rxmtIntervalMs: 200, spfInitialHoldMs: 10, spfMaxHoldMs: 500, lsaInitialHoldMs: 50, lsaMaxHoldMs: 2_000, ackDelayMs: 10,
};

export interface LinkSpec {
  a: string; b: string;
  /** Cost a->b and b->a (asymmetric allowed). */
  costAB?: number; costBA?: number;
}

interface Node {
  name: string;
  key: KeyObject;
  store: MemorySeqStore;
  watcher: MemoryLinkWatcher;
  faces: MemoryLink['a'][];
  costs: Record<string, number>;
  prefixes: string[];
  host: RouterHost;
}

export const rname = (n: string) => `/damc/router/${n}`;

export class TestNet {
  readonly sched = new VirtualScheduler();
  readonly nodes = new Map<string, Node>();
  readonly links: { spec: LinkSpec; link: MemoryLink; ifA: string; ifB: string }[] = [];
  readonly trust: Record<string, Uint8Array> = {};
  readonly events: { node: string; e: RouterEvent }[] = [];
  private seed = 42;
  readonly random = () => ((this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

  constructor(names: string[], specs: LinkSpec[], prefixes: Record<string, string[]> = {}, o: { delayMs?: number; loss?: number } = {}) {
    for (const name of names) {
      const { privateKey } = generateKeyPairSync('ed25519');
      this.trust[rname(name)] = rawPublicKey(privateKey);
      this.nodes.set(name, {
        name, key: privateKey, store: new MemorySeqStore(), watcher: new MemoryLinkWatcher(),
        faces: [], costs: {}, prefixes: prefixes[name] ?? [], host: undefined as unknown as RouterHost,
      });
    }
    for (const spec of specs) {
      const na = this.nodes.get(spec.a)!, nb = this.nodes.get(spec.b)!;
      const ifA = `eth${na.faces.length + 1}`, ifB = `eth${nb.faces.length + 1}`;
      const link = new MemoryLink({ ifname: ifA, watcher: na.watcher }, { ifname: ifB, watcher: nb.watcher }, {
        scheduler: this.sched, delayMs: o.delayMs ?? 2, loss: o.loss ?? 0, random: this.random,
      });
      na.faces.push(link.a);
      nb.faces.push(link.b);
      na.costs[ifA] = spec.costAB ?? 1;
      nb.costs[ifB] = spec.costBA ?? spec.costAB ?? 1;
      this.links.push({ spec, link, ifA, ifB });
    }
    for (const n of this.nodes.values()) n.host = this.makeHost(n);
  }

  private makeHost(n: Node): RouterHost {
    return new RouterHost({
      name: Name.parse(rname(n.name)), scheduler: this.sched, faces: n.faces, costs: n.costs, watcher: n.watcher,
      prefixes: n.prefixes.map((p) => Name.parse(p)), timers: TIMERS,
      crypto: new TrustMapCrypto(n.key, this.trust), seqStore: n.store,
      onEvent: (e) => this.events.push({ node: n.name, e }),
    });
  }

  start(): this {
    for (const n of this.nodes.values()) {
      n.host.start();
      this.alive.add(n.name);
    }
    return this;
  }

  host(name: string): RouterHost {
    return this.nodes.get(name)!.host;
  }

  link(a: string, b: string): MemoryLink {
    return this.links.find((l) => (l.spec.a === a && l.spec.b === b) || (l.spec.a === b && l.spec.b === a))!.link;
  }

  crash(name: string): void {
    const n = this.nodes.get(name)!;
    n.host.stop({ crash: true });
    this.alive.delete(name);
  }

  /** A new process on the same links; `keepState: false` also loses the persisted sequence number. */
  restart(name: string, keepState = true): void {
    const n = this.nodes.get(name)!;
    if (!keepState) n.store = new MemorySeqStore();
    n.host = this.makeHost(n);
    n.host.start();
    this.alive.add(name);
  }

  /** name -> prefix -> sorted "iface>neighbor@cost" strings, or 'local'. */
  fibs(): Map<string, Map<string, string[]>> {
    const out = new Map<string, Map<string, string[]>>();
    for (const n of this.nodes.values()) {
      if (!this.alive.has(n.name)) continue;
      const m = new Map<string, string[]>();
      for (const e of n.host.core.fib().entries()) {
        m.set(e.prefix.key, e.value.local ? ['local'] : e.value.nexthops.map((h) => `${h.iface}>${h.neighbor.key}@${h.cost}`).sort());
      }
      out.set(n.name, m);
    }
    return out;
  }

  /** Routers taken as alive by `expected()` (the test keeps it in step with crash/restart). */
  readonly alive = new Set<string>();

  /** The FIBs the topology implies, computed without the routing code. */
  expected(): Map<string, Map<string, string[]>> {
    const names = [...this.alive];
    const INF = Infinity;
    const d = new Map<string, Map<string, number>>();
    for (const a of names) d.set(a, new Map(names.map((b) => [b, a === b ? 0 : INF])));
    const up = this.links.filter((l) => l.link.up && this.alive.has(l.spec.a) && this.alive.has(l.spec.b) && !this.silent.has(l.link));
    for (const l of up) {
      const ab = l.spec.costAB ?? 1, ba = l.spec.costBA ?? l.spec.costAB ?? 1;
      d.get(l.spec.a)!.set(l.spec.b, Math.min(d.get(l.spec.a)!.get(l.spec.b)!, ab));
      d.get(l.spec.b)!.set(l.spec.a, Math.min(d.get(l.spec.b)!.get(l.spec.a)!, ba));
    }
    for (const k of names) for (const i of names) for (const j of names) {
      const via = d.get(i)!.get(k)! + d.get(k)!.get(j)!;
      if (via < d.get(i)!.get(j)!) d.get(i)!.set(j, via);
    }
    const out = new Map<string, Map<string, string[]>>();
    for (const s of names) {
      const dests = new Map<string, string[]>(); // prefix -> origins
      for (const r of names) {
        dests.set(rname(r), [r]);
        for (const p of this.nodes.get(r)!.prefixes) dests.set(p, [...(dests.get(p) ?? []), r]);
      }
      const m = new Map<string, string[]>();
      for (const [prefix, origins] of dests) {
        const best = Math.min(...origins.map((o) => d.get(s)!.get(o)!));
        if (best === INF) continue;
        const bestOrigins = origins.filter((o) => d.get(s)!.get(o)! === best);
        if (bestOrigins.includes(s)) { m.set(prefix, ['local']); continue; }
        const hops = new Set<string>();
        for (const l of up) {
          for (const [me, peer, myIf, cost] of [[l.spec.a, l.spec.b, l.ifA, l.spec.costAB ?? 1], [l.spec.b, l.spec.a, l.ifB, l.spec.costBA ?? l.spec.costAB ?? 1]] as const) {
            if (me !== s) continue;
            if (bestOrigins.some((o) => cost + d.get(peer)!.get(o)! === best)) hops.add(`${myIf}>${rname(peer)}@${best}`);
          }
        }
        m.set(prefix, [...hops].sort());
      }
      out.set(s, m);
    }
    return out;
  }

  /** Links made silent (100% loss both ways) — not usable, but carrier stays up. */
  readonly silent = new Set<MemoryLink>();

  converged(): boolean {
    return canon(this.fibs()) === canon(this.expected());
  }

  /** Advances virtual time until the FIBs equal the expectation; returns the virtual ms, -1 if never. */
  converge(limitMs = 10_000): number {
    return this.sched.runUntil(() => this.converged(), limitMs, 5);
  }

  diff(): string {
    const got = this.fibs(), want = this.expected();
    const lines: string[] = [];
    for (const [n, w] of want) {
      const g = got.get(n) ?? new Map<string, string[]>();
      for (const k of new Set([...w.keys(), ...g.keys()])) {
        const a = JSON.stringify(g.get(k)), b = JSON.stringify(w.get(k));
        if (a !== b) lines.push(`${n} ${k}: got ${a} want ${b}`);
      }
    }
    return lines.join('\n');
  }
}

function canon(f: Map<string, Map<string, string[]>>): string {
  return JSON.stringify([...f].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort(([a], [b]) => a.localeCompare(b))]));
}
