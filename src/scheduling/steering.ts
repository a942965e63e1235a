/**
 * Forwarding by the policies' next-hop entries: the FIB overlaid with them. For each live
 * entry with next hops, the prefix's route gets, instead of its shortest-path next hops, the
 * policy's neighbors that are two-way adjacencies of this router now (repeated by weight, so
 * the forwarder's per-request hash spreads by weight and keeps one request on one hop). An
 * entry whose neighbors are all down, whose prefix this router delivers itself, or that the
 * FIB has no route for, changes nothing: shortest path. With no such entry the FIB itself is
 * used (no copy), so a router without policies pays nothing.
 *
 * The overlay is a table object like the FIB, rebuilt only when the FIB object changes (every
 * SPF run, which every adjacency change causes), the held policies change, or one of those it
 * used expires; the fast path caches by table object, so it needs no other hook.
 */
import type { NameTrie as Trie, NextHop, RibEntry } from '../routing/index.js';
import { NameTrie } from '../routing/fib.js';
import type { Name } from '../wire/name.js';
import type { PolicyStore } from './policy-store.js';

export interface LiveLink {
  readonly iface: string;
  readonly neighbor: Name;
}

/** Each hop at most this many times (weights 1:3 are kept; 1:100 becomes 1:8). */
const MAX_REPEAT = 8;

export class PolicySteering {
  private base: Trie<RibEntry> | undefined;
  private generation = -1;
  private validUntil = -Infinity;
  private table: Trie<RibEntry> | undefined;
  /** Prefixes the current table steers (for `lab policies`). */
  steered: { prefix: Name; nexthops: NextHop[] }[] = [];
  rebuilds = 0;

  constructor(private readonly store: PolicyStore, private readonly links: () => readonly LiveLink[], private readonly now: () => number) {}

  /** The table to forward by: `fib`, or a copy of it with the policies' next hops. */
  fib(fib: Trie<RibEntry>): Trie<RibEntry> {
    if (fib === this.base && this.store.generation === this.generation && this.now() < this.validUntil) return this.table!;
    this.rebuild(fib);
    return this.table!;
  }

  private rebuild(fib: Trie<RibEntry>): void {
    const now = this.now();
    this.rebuilds++;
    this.base = fib;
    this.generation = this.store.generation;
    this.validUntil = Infinity;
    const links = this.links();
    const over = new Map<string, RibEntry>();
    const steered: { prefix: Name; nexthops: NextHop[] }[] = [];
    for (const h of this.store.list(now)) {
      this.validUntil = Math.min(this.validUntil, h.policy.expires);
      for (const e of h.policy.entries) {
        if (e.nexthops.length === 0 || over.has(e.prefix.key)) continue;
        const route = fib.get(e.prefix) ?? fib.lpm(e.prefix)?.value;
        if (!route || route.local) continue;
        const live = e.nexthops.filter((w) => w.weight > 0).flatMap((w) => links.filter((l) => l.neighbor.equals(w.name)).map((l) => ({ l, weight: w.weight })));
        if (live.length === 0) continue;
        const min = Math.min(...live.map((x) => x.weight));
        const nexthops: NextHop[] = [];
        for (const { l, weight } of live) {
          const hop: NextHop = { iface: l.iface, neighbor: l.neighbor, cost: route.cost };
          for (let i = 0; i < Math.min(MAX_REPEAT, Math.round(weight / min)); i++) nexthops.push(hop);
        }
        over.set(e.prefix.key, { ...route, prefix: e.prefix, nexthops });
        steered.push({ prefix: e.prefix, nexthops });
      }
    }
    this.steered = steered;
    if (over.size === 0) {
      this.table = fib;
      return;
    }
    const t = new NameTrie<RibEntry>();
    for (const { prefix, value } of fib.all()) t.set(prefix, value);
    for (const e of over.values()) t.set(e.prefix, e);
    this.table = t;
  }
}
