/**
 * Our own LSAs: the adjacency LSA (our two-way links) and the prefix LSA (what we serve),
 * originated through a backoff, refreshed well inside their lifetime, flushed at shutdown, and
 * defended against stale copies of themselves from a past life.
 */
import type { Lsa, LsaKind, Name, PrefixEntry } from '../wire/index.js';
import type { RouterContext } from './context.js';
import type { OwnCopyAnswer } from './flooding.js';
import { SequenceSource, type SeqStore } from './seq.js';
import type { LocalLink } from './spf.js';
import { Throttle } from './throttle.js';
import type { UnsignedLsa } from './types.js';

export interface OriginationDeps {
  readonly seqStore: SeqStore;
  readonly prefixes: readonly Name[];
  /** Floods a new LSA of ours to every adjacency. */
  flood(lsa: Lsa): void;
  localLinks(): LocalLink[];
  /** The LSDB changed: routes need computing again. */
  changed(now: number): void;
}

export class Origination {
  private readonly seq: SequenceSource;
  private readonly throttle: Record<LsaKind, Throttle>;
  /** Originations waiting for their throttle (true = a flush). */
  private readonly pending = new Map<LsaKind, boolean>();
  private prefixes: PrefixEntry[];
  private hasPrefixLsa = false;
  private nextRefreshAt = Infinity;
  /** Originations wait until then after start (timers.lsaStartupHoldMs). */
  private holdUntil = -Infinity;

  constructor(private readonly c: RouterContext, private readonly d: OriginationDeps) {
    this.seq = new SequenceSource(d.seqStore, () => c.now());
    const t = c.timers;
    const lt = () => new Throttle(t.lsaInitialHoldMs, t.lsaMaxHoldMs);
    this.throttle = { adjacency: lt(), prefix: lt() };
    this.prefixes = d.prefixes.map((prefix) => ({ prefix, cost: 0 }));
  }

  start(): void {
    this.holdUntil = this.c.now() + (this.c.timers.lsaStartupHoldMs ?? 0);
    this.originate('adjacency');
    if (this.prefixes.length > 0) this.originate('prefix');
  }

  /** Lifetime-0 copies of our LSAs, at once, so the others forget us now rather than at expiry. */
  shutdown(): void {
    this.originateNow('adjacency', true);
    if (this.hasPrefixLsa || this.pending.has('prefix')) this.originateNow('prefix', true);
  }

  /** `announce`: originate the change (false before start: start() will). */
  setPrefixes(prefixes: readonly Name[], announce: boolean): void {
    this.prefixes = prefixes.map((prefix) => ({ prefix, cost: 0 }));
    if (!announce) return;
    if (this.prefixes.length > 0) this.originate('prefix');
    else if (this.hasPrefixLsa) this.originate('prefix', true);
  }

  /** Originates through the backoff: at once when quiet, batched while changes keep coming. */
  originate(kind: LsaKind, flush = false): void {
    const now = this.c.now();
    this.pending.set(kind, flush);
    this.throttle[kind].request(now);
    this.originateDue(now);
  }

  /** Refreshes when due, and originates what waited for its throttle. */
  tick(now: number): void {
    if (now >= this.nextRefreshAt) {
      this.originate('adjacency');
      if (this.prefixes.length > 0) this.originate('prefix');
    }
    this.originateDue(now);
  }

  nextDue(now: number): number {
    let t = this.nextRefreshAt;
    for (const kind of this.pending.keys()) t = Math.min(t, Math.max(this.holdUntil, now + this.throttle[kind].waitMs(now)));
    return t;
  }

  /** A copy of our own LSA arrived (already verified and acked to its sender); `alive`: lifetime left. */
  ownCopy(lsa: Lsa, alive: boolean): OwnCopyAnswer {
    const cur = this.c.lsdb.get(lsa.kind, lsa.origin)?.lsa;
    if (lsa.seq > this.seq.current) {
      this.c.counters.lsaOwnNewerSeen++;
      this.seq.jumpAbove(lsa.seq);
      this.originate(lsa.kind, lsa.kind === 'prefix' && this.prefixes.length === 0);
      return 'reoriginated';
    }
    if (cur && lsa.seq < cur.seq) return { resend: cur };
    if (!cur && alive) {
      this.originate(lsa.kind, true); // we withdrew it; a stale copy still circulates
      return 'reoriginated';
    }
    return 'current';
  }

  private originateDue(now: number): void {
    if (now < this.holdUntil) return;
    for (const [kind, flush] of this.pending) {
      const th = this.throttle[kind];
      if (!th.due(now)) continue;
      th.ran(now);
      this.pending.delete(kind);
      // An adjacency LSA reflects the neighbors at the time it goes out, not when it was asked for.
      this.originateNow(kind, flush);
    }
  }

  private originateNow(kind: LsaKind, flush = false): void {
    const t = this.c.timers;
    const now = this.c.now();
    const base = { origin: this.c.name, seq: this.seq.next(), lifetimeS: flush ? 0 : t.lsaLifetimeS };
    const unsigned: UnsignedLsa = kind === 'adjacency'
      ? { ...base, kind, neighbors: flush ? [] : this.d.localLinks().map((l) => ({ neighbor: l.neighbor, cost: l.cost })) }
      : { ...base, kind, prefixes: flush ? [] : this.prefixes };
    const lsa = this.c.crypto.sign(unsigned);
    this.c.counters.lsaOriginated++;
    if (kind === 'prefix') this.hasPrefixLsa = !flush;
    this.c.lsdb.install(lsa, now, true);
    this.d.flood(lsa);
    // One refresh timer re-floods both LSAs; it restarts whenever the adjacency LSA changes.
    if (kind === 'adjacency') this.nextRefreshAt = now + t.lsaRefreshS * 1000;
    this.c.event({ type: 'originate', kind, seq: lsa.seq, lifetimeS: lsa.lifetimeS });
    this.d.changed(now);
  }
}
