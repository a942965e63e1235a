/**
 * What the control tool shows, as JSON (stable shapes tools read) and as tables for people.
 * Router names are shown as the topology's node names (NodeConfig.routerNodes).
 */
import { createHash } from 'node:crypto';
import type { RouterCore } from '../routing/router.js';
import type { Name } from '../wire/name.js';

export interface NextHopView { interface: string; neighbor: string; cost: number }
export interface FibView { prefix: string; nexthops: NextHopView[] }
export interface RibView { prefix: string; cost: number; local: boolean; origins: string[]; nexthops: NextHopView[] }
export interface NeighborView { interface: string; neighbor: string; router: string; state: 'two-way' | 'init'; lastHeardMs: number; upForMs: number }
export interface LsdbView { kind: string; origin: string; router: string; seq: string; lifetimeS: number; expiresInS: number | null; entries: string[] }

export type ViewName = 'neighbors' | 'lsdb' | 'rib' | 'fib' | 'counters';
export const VIEW_NAMES: readonly ViewName[] = ['neighbors', 'lsdb', 'rib', 'fib', 'counters'];

/** One line of help per view, shared by the in-node tool and `lab <view> <node>`. */
export const VIEW_HELP: Record<ViewName, string> = {
  neighbors: 'neighbors heard on each fabric interface (two-way = adjacency up)',
  lsdb: 'the link-state database: adjacency and prefix LSAs with sequence numbers',
  rib: 'routes per prefix: cost, originating routers, all equal-cost next hops',
  fib: 'the forwarding table (longest-prefix match on name components)',
  counters: 'router counters (every drop has one) and per-interface frame counters',
};

export interface PingView { name: string; result: string; rttMs: number; reporter?: string }

export function pingLine(r: PingView): string {
  return `${r.name}: ${r.result}${r.reporter ? ` from ${r.reporter}` : ''}, ${r.rttMs} ms`;
}

const byText = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export class Views {
  constructor(private readonly core: RouterCore, private readonly routerNodes: Readonly<Record<string, string>>, private readonly now: () => number) {}

  private node(n: Name): string {
    return this.routerNodes[n.key] ?? n.key;
  }

  /**
   * A digest of fib() (sha256 of its JSON) and its size, computed once per FIB: a benchmark that
   * polls hundreds of routers every second for "is your FIB right yet" costs them nothing
   * between SPF runs (the whole view of 300 entries took a starved router milliseconds).
   */
  fibDigest(): { digest: string; entries: number } {
    const fib = this.core.fib();
    let d = this.digests.get(fib);
    if (!d) {
      const view = this.fib();
      this.digests.set(fib, (d = { digest: createHash('sha256').update(JSON.stringify(view)).digest('hex'), entries: view.length }));
    }
    return d;
  }

  private readonly digests = new WeakMap<object, { digest: string; entries: number }>();

  fib(): FibView[] {
    return this.core.fib().entries()
      .map((e) => ({ prefix: e.prefix.key, nexthops: this.hops(e.value.nexthops) }))
      .sort(byText((e) => e.prefix));
  }

  rib(): RibView[] {
    return this.core.rib()
      .map((e) => ({ prefix: e.prefix.key, cost: e.cost, local: e.local, origins: e.origins.map((o) => this.node(o)).sort(), nexthops: this.hops(e.nexthops) }))
      .sort(byText((e) => e.prefix));
  }

  private hops(h: readonly { iface: string; neighbor: Name; cost: number }[]): NextHopView[] {
    return h.map((x) => ({ interface: x.iface, neighbor: this.node(x.neighbor), cost: x.cost })).sort(byText((x) => x.interface));
  }

  neighbors(): NeighborView[] {
    const now = this.now();
    return this.core.neighbors()
      .map((n) => ({
        interface: n.iface, neighbor: this.node(n.router), router: n.router.key, state: n.twoWay ? 'two-way' as const : 'init' as const,
        lastHeardMs: now - n.lastHeard, upForMs: n.twoWay ? now - n.since : 0,
      }))
      .sort(byText((n) => `${n.interface} ${n.router}`));
  }

  lsdb(): LsdbView[] {
    const now = this.now();
    return this.core.lsdb.all()
      .map(({ lsa, expiresAt }) => ({
        kind: lsa.kind, origin: this.node(lsa.origin), router: lsa.origin.key, seq: lsa.seq.toString(), lifetimeS: lsa.lifetimeS,
        expiresInS: expiresAt === Infinity ? null : Math.max(0, Math.round((expiresAt - now) / 1000)),
        entries: lsa.kind === 'adjacency'
          ? lsa.neighbors.map((n) => `${this.node(n.neighbor)}:${n.cost}`)
          : lsa.prefixes.map((p) => (p.cost ? `${p.prefix.key}:${p.cost}` : p.prefix.key)),
      }))
      .sort(byText((e) => `${e.router} ${e.kind}`));
  }

  counters(faces: Record<string, object>): { router: Record<string, number>; faces: Record<string, object> } {
    return { router: { ...this.core.counters }, faces };
  }
}

/** Renders a view's JSON as a table (the ctl's default output). */
export function table(view: ViewName, data: unknown): string {
  const rows: string[][] = [];
  if (view === 'fib' || view === 'rib') {
    rows.push(view === 'fib' ? ['PREFIX', 'NEXTHOPS'] : ['PREFIX', 'COST', 'ORIGINS', 'NEXTHOPS']);
    for (const e of data as RibView[]) {
      const hops = e.nexthops.length ? e.nexthops.map((h) => `${h.interface}->${h.neighbor} (cost ${h.cost})`).join(', ') : 'local';
      rows.push(view === 'fib' ? [e.prefix, hops] : [e.prefix, String(e.cost), e.origins.join(','), hops]);
    }
  } else if (view === 'neighbors') {
    rows.push(['INTERFACE', 'NEIGHBOR', 'STATE', 'LAST HELLO', 'UP FOR']);
    for (const n of data as NeighborView[]) rows.push([n.interface, n.neighbor, n.state, `${n.lastHeardMs} ms ago`, n.state === 'two-way' ? `${(n.upForMs / 1000).toFixed(1)} s` : '-']);
  } else if (view === 'lsdb') {
    rows.push(['ORIGIN', 'KIND', 'SEQ', 'EXPIRES', 'CONTENT']);
    for (const e of data as LsdbView[]) rows.push([e.origin, e.kind, e.seq, e.expiresInS === null ? 'own' : `${e.expiresInS} s`, e.entries.join(' ')]);
  } else {
    const c = data as { router: Record<string, number>; faces: Record<string, Record<string, number>> };
    rows.push(['COUNTER', 'VALUE']);
    for (const [k, v] of Object.entries(c.router)) rows.push([k, String(v)]);
    for (const [f, fc] of Object.entries(c.faces)) for (const [k, v] of Object.entries(fc)) rows.push([`${f}.${k}`, String(v)]);
    // Counter groups beside the router's own (grant checks, an SG's registrar).
    for (const [g, gc] of Object.entries(c as unknown as Record<string, Record<string, number>>)) {
      if (g !== 'router' && g !== 'faces') for (const [k, v] of Object.entries(gc)) rows.push([`${g}.${k}`, String(v)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
