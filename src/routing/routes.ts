/**
 * Route computation: SPF over the LSDB through its backoff, the RIB it yields, and the FIB the
 * data plane looks up. Prefix LSAs pass through an optional filter on the way in, so a policy
 * (a grant that does not verify) can keep some of their prefixes out of the routes.
 */
import type { PrefixEntry, PrefixLsa } from '../wire/index.js';
import type { RouterContext } from './context.js';
import { NameTrie } from './fib.js';
import { buildFib, fibDiff } from './forwarder.js';
import { runSpf, type LocalLink, type RibEntry } from './spf.js';
import { adjacencyChangesMatter, sameLocalLinks, type SpfTree } from './spf-skip.js';
import { Throttle } from './throttle.js';

/** The entries of a prefix LSA that routes may use (default: all of them). */
export type PrefixFilter = (lsa: PrefixLsa) => readonly PrefixEntry[];

export class Routes {
  private readonly spf: Throttle;
  private ribEntries: RibEntry[] = [];
  private fibTrie = new NameTrie<RibEntry>();
  /** What the last Dijkstra ran over, and the distances it found. */
  private last: { tree: SpfTree; localLinks: readonly LocalLink[]; prefixes: readonly { lsa: PrefixLsa; entries: readonly PrefixEntry[] }[] } | undefined;

  constructor(
    private readonly c: RouterContext,
    private readonly localLinks: () => LocalLink[],
    private readonly prefixFilter?: PrefixFilter,
  ) {
    this.spf = new Throttle(c.timers.spfInitialHoldMs, c.timers.spfMaxHoldMs, c.timers.spfBatchTrickle ?? false);
  }

  /** The LSDB or our links changed: compute again once the backoff allows. */
  request(now: number): void {
    this.spf.request(now);
  }

  get pending(): boolean {
    return this.spf.pending;
  }

  nextDue(now: number): number {
    return now + this.spf.waitMs(now);
  }

  runIfDue(): void {
    const now = this.c.now();
    if (!this.spf.due(now)) return;
    const waitedMs = now - this.spf.requestedAt;
    this.spf.ran(now);
    const t0 = performance.now();
    const lsdb = this.c.lsdb;
    const changes = lsdb.takeChanges();
    const localLinks = this.localLinks();
    const filter = this.prefixFilter;
    const last = this.last;
    // A change on none of our shortest paths leaves the routes as they are (spf-skip.ts): decided
    // from the LSDB's journal, without a pass over the whole LSDB (a shared router process does
    // this for a hundred routers per flooded LSA).
    if (last && !changes.prefixes && sameLocalLinks(last.localLinks, localLinks)
      && (!filter || last.prefixes.every((p) => filter(p.lsa) === p.entries))
      && !adjacencyChangesMatter(this.c.name.key, changes.adjacency, (k) => lsdb.adjacencyOf(k), last.tree)) {
      this.last = { ...last, localLinks };
      this.c.counters.spfSkipped++;
      this.c.event({ type: 'spf', durationMs: performance.now() - t0, waitedMs, routes: this.ribEntries.length, routers: last.tree.distances.size, fibChanges: 0, skipped: true });
      return;
    }
    const entries = lsdb.all().map((e) => e.lsa);
    const adjacencies = entries.flatMap((l) => (l.kind === 'adjacency' ? [l] : []));
    const prefixLsas = entries.flatMap((l) => (l.kind === 'prefix' ? [l] : []));
    const used = prefixLsas.map((lsa) => ({ lsa, entries: filter ? filter(lsa) : lsa.prefixes }));
    const { rib, distances, firstHops } = runSpf({
      self: this.c.name, adjacencies, prefixes: used.map((p) => ({ origin: p.lsa.origin, prefixes: p.entries })), localLinks,
    });
    const fib = buildFib(rib);
    const fibChanges = fibDiff(this.fibTrie, fib);
    this.ribEntries = rib;
    this.fibTrie = fib;
    this.last = { tree: { distances, firstHops }, localLinks, prefixes: used };
    this.c.counters.spfRuns++;
    this.c.event({ type: 'spf', durationMs: performance.now() - t0, waitedMs, routes: rib.length, routers: distances.size, fibChanges });
  }

  /** Runs a pending SPF now, whatever the backoff says. */
  flush(): void {
    if (this.spf.pending) {
      this.spf.force();
      this.runIfDue();
    }
  }

  rib(): readonly RibEntry[] {
    return this.ribEntries;
  }

  fib(): NameTrie<RibEntry> {
    return this.fibTrie;
  }
}
