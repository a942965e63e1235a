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
import { routesMayChange, spfInputs, type SpfInputs, type SpfTree } from './spf-skip.js';
import { Throttle } from './throttle.js';

/** The entries of a prefix LSA that routes may use (default: all of them). */
export type PrefixFilter = (lsa: PrefixLsa) => readonly PrefixEntry[];

export class Routes {
  private readonly spf: Throttle;
  private ribEntries: RibEntry[] = [];
  private fibTrie = new NameTrie<RibEntry>();
  /** What the last Dijkstra ran over, and the distances it found. */
  private last: { inputs: SpfInputs; tree: SpfTree } | undefined;

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
    const entries = this.c.lsdb.all().map((e) => e.lsa);
    const filter = this.prefixFilter;
    const adjacencies = entries.flatMap((l) => (l.kind === 'adjacency' ? [l] : []));
    const prefixes = entries.flatMap((l) => (l.kind !== 'prefix' ? [] : filter ? [{ origin: l.origin, prefixes: filter(l), part: l.part ?? 0 }] : [{ ...l, part: l.part ?? 0 }]));
    const localLinks = this.localLinks();
    const inputs = spfInputs(this.c.name, adjacencies, prefixes.map((p) => ({ key: `${p.origin.key} ${p.part}`, entries: p.prefixes })), localLinks);
    // A change on none of our shortest paths leaves the routes as they are (spf-skip.ts).
    if (this.last && !routesMayChange(inputs.self, this.last.inputs, inputs, this.last.tree)) {
      this.last = { inputs, tree: this.last.tree };
      this.c.counters.spfSkipped++;
      this.c.event({ type: 'spf', durationMs: performance.now() - t0, waitedMs, routes: this.ribEntries.length, routers: this.last.tree.distances.size, fibChanges: 0, skipped: true });
      return;
    }
    const { rib, distances, firstHops } = runSpf({ self: this.c.name, adjacencies, prefixes, localLinks });
    const fib = buildFib(rib);
    const fibChanges = fibDiff(this.fibTrie, fib);
    this.ribEntries = rib;
    this.fibTrie = fib;
    this.last = { inputs, tree: { distances, firstHops } };
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
