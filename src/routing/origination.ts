/**
 * Our own LSAs: the adjacency LSA (our two-way links) and the prefix LSA (what we serve),
 * originated through a backoff, refreshed well inside their lifetime, flushed at shutdown, and
 * defended against stale copies of themselves from a past life.
 */
import { chunkBySize } from '../util/chunk.js';
import { bytesEqual, prefixEntrySize, type Lsa, type LsaKind, type Name, type PrefixEntry } from '../wire/index.js';
import type { RouterContext } from './context.js';
import type { OwnCopyAnswer } from './flooding.js';
import { SequenceSource, type SeqStore } from './seq.js';
import type { LocalLink } from './spf.js';
import { Throttle } from './throttle.js';
import type { UnsignedLsa } from './types.js';

/** A prefix by name (cost 0, no grant) or a whole entry (an SG's granted prefix, grant attached). */
export type OwnPrefix = Name | PrefixEntry;

/** Default budget of one prefix LSA part, in bytes: fits a 1500-byte frame with room for the header. */
export const DEFAULT_MAX_LSA_BYTES = 1400;
/** What an LSA needs beyond its entries: version, message and body headers, kind, origin, seq, lifetime, part, signature. */
const LSA_OVERHEAD = 160;

export function toEntries(prefixes: readonly OwnPrefix[]): PrefixEntry[] {
  return prefixes.map((p) => ('cost' in p ? p : { prefix: p, cost: 0 }));
}

/** Splits entries into runs whose encoding fits `maxBytes` each (at least one entry per run). */
export function splitParts(entries: readonly PrefixEntry[], maxBytes: number): PrefixEntry[][] {
  return chunkBySize(entries, prefixEntrySize, Math.max(1, maxBytes - LSA_OVERHEAD));
}

export interface OriginationDeps {
  readonly seqStore: SeqStore;
  readonly prefixes: readonly OwnPrefix[];
  /** Budget of one prefix LSA part (default DEFAULT_MAX_LSA_BYTES). */
  readonly maxLsaBytes?: number;
  /** Floods a new LSA of ours to every adjacency. */
  flood(lsa: Lsa): void;
  localLinks(): LocalLink[];
  /**
   * Every interface with carrier has its two-way neighbor: the startup hold ends early, since
   * the adjacency LSA it waits for is complete (default: never, the hold runs its whole time).
   */
  settled?(): boolean;
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
  /** Parts of our prefix LSA the others may hold (flushed when we need fewer). */
  private partsOut = 0;
  /** Parts seen circulating that we no longer originate (a past life's): flushed next time. */
  private readonly staleParts = new Set<number>();
  /**
   * The next prefix origination re-signs every part (refresh, or a copy of ours ahead of us);
   * otherwise only the parts whose entries changed go out: one new instance among 5,000 prefixes
   * floods one or two parts, not all of them.
   */
  private allParts = true;
  private nextRefreshAt = Infinity;
  /** Originations wait until then after start (timers.lsaStartupHoldMs). */
  private holdUntil = -Infinity;

  constructor(private readonly c: RouterContext, private readonly d: OriginationDeps) {
    this.seq = new SequenceSource(d.seqStore, () => c.now());
    const t = c.timers;
    const lt = () => new Throttle(t.lsaInitialHoldMs, t.lsaMaxHoldMs);
    this.throttle = { adjacency: lt(), prefix: lt() };
    this.prefixes = toEntries(d.prefixes);
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
  setPrefixes(prefixes: readonly OwnPrefix[], announce: boolean): void {
    this.prefixes = toEntries(prefixes);
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
      this.allParts = true;
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
    const cur = this.c.lsdb.get(lsa.kind, lsa.origin, lsa.part)?.lsa;
    // A part we do not originate now (a past life's, or forged with our key): flush it next time.
    if (lsa.part && alive && lsa.part >= this.partsOut) this.staleParts.add(lsa.part);
    if (lsa.seq > this.seq.current) {
      this.c.counters.lsaOwnNewerSeen++;
      this.seq.jumpAbove(lsa.seq);
      if (lsa.kind === 'prefix') this.allParts = true;
      this.originate(lsa.kind, lsa.kind === 'prefix' && this.prefixes.length === 0);
      return 'reoriginated';
    }
    if (cur && lsa.seq < cur.seq) return { resend: cur };
    if (!cur && alive) {
      // We withdrew it (or need fewer parts now); a stale copy still circulates.
      this.originate(lsa.kind, lsa.kind === 'adjacency' || this.prefixes.length === 0);
      return 'reoriginated';
    }
    return 'current';
  }

  private originateDue(now: number): void {
    if (now < this.holdUntil) {
      if (!this.d.settled?.()) return;
      this.holdUntil = -Infinity;
    }
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
    if (kind === 'prefix') return this.originatePrefixParts(flush);
    const base = { origin: this.c.name, seq: this.seq.next(), lifetimeS: flush ? 0 : t.lsaLifetimeS };
    const unsigned: UnsignedLsa = { ...base, kind, neighbors: flush ? [] : this.d.localLinks().map((l) => ({ neighbor: l.neighbor, cost: l.cost })) };
    const lsa = this.sign(unsigned);
    // One refresh timer re-floods both LSAs; it restarts whenever the adjacency LSA changes.
    if (kind === 'adjacency') this.nextRefreshAt = now + t.lsaRefreshS * 1000;
    this.c.event({ type: 'originate', kind, seq: lsa.seq, lifetimeS: lsa.lifetimeS });
    this.d.changed(now);
  }

  /**
   * Our prefix LSA, split into parts 0..n-1 that each fit a frame; parts we held out before and
   * need no longer (fewer prefixes now, or a past life's) are flushed.
   */
  private originatePrefixParts(flush: boolean): void {
    const now = this.c.now();
    const parts = flush ? [] : splitParts(this.prefixes, this.d.maxLsaBytes ?? DEFAULT_MAX_LSA_BYTES);
    const toFlush = new Set(this.staleParts);
    this.staleParts.clear();
    for (let p = parts.length; p < Math.max(this.partsOut, flush ? 1 : 0); p++) toFlush.add(p);
    let last: Lsa | undefined;
    const lifetimeS = this.c.timers.lsaLifetimeS;
    const all = this.allParts;
    this.allParts = false;
    parts.forEach((entries, part) => {
      if (!all && this.unchanged(part, entries)) return;
      last = this.sign({ kind: 'prefix', origin: this.c.name, seq: this.seq.next(), lifetimeS, prefixes: entries, ...(part ? { part } : {}) });
    });
    for (const part of [...toFlush].sort((x, y) => x - y)) {
      if (part < parts.length) continue;
      last = this.sign({ kind: 'prefix', origin: this.c.name, seq: this.seq.next(), lifetimeS: 0, prefixes: [], ...(part ? { part } : {}) });
    }
    this.partsOut = parts.length;
    this.hasPrefixLsa = parts.length > 0;
    if (last) this.c.event({ type: 'originate', kind: 'prefix', seq: last.seq, lifetimeS: last.lifetimeS });
    this.d.changed(now);
  }

  /** Whether our current copy of a part holds exactly these entries (grants compared by signature). */
  private unchanged(part: number, entries: readonly PrefixEntry[]): boolean {
    const cur = this.c.lsdb.get('prefix', this.c.name, part)?.lsa;
    if (!cur || cur.kind !== 'prefix' || cur.lifetimeS === 0 || cur.prefixes.length !== entries.length) return false;
    return cur.prefixes.every((e, i) => {
      const n = entries[i]!;
      if (!e.prefix.equals(n.prefix) || e.cost !== n.cost) return false;
      if (!e.grant || !n.grant) return e.grant === n.grant;
      return e.grant.expires === n.grant.expires && bytesEqual(e.grant.signature, n.grant.signature);
    });
  }

  /** Signs, installs as our own and floods one LSA. */
  private sign(unsigned: UnsignedLsa): Lsa {
    const lsa = this.c.crypto.sign(unsigned);
    this.c.counters.lsaOriginated++;
    this.c.lsdb.install(lsa, this.c.now(), true);
    this.d.flood(lsa);
    return lsa;
  }
}
