/**
 * The link-state database: one LSA per (kind, origin), with the install rules of OSPF-style
 * flooding. Pure: the caller passes the time; the highest sequence number ever seen per LSA
 * outlives the LSA itself, so a replayed old copy is refused even after the LSA expired, and
 * so does the last copy of a flushed or expired LSA, to answer a neighbor that still offers
 * an older one (PROTOCOL.md, "Answering an older copy").
 */
import type { AdjacencyEntry, Lsa, LsaHeader, LsaKind, Name } from '../wire/index.js';

export interface LsdbEntry {
  readonly lsa: Lsa;
  readonly installedAt: number;
  /** Time it expires unless refreshed (Infinity for our own LSAs: we refresh them). */
  readonly expiresAt: number;
}

/** What happened to an offered LSA. */
export type InstallResult =
  | { readonly kind: 'new'; readonly previous?: Lsa }
  | { readonly kind: 'flushed'; readonly previous?: Lsa }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'older'; readonly current?: Lsa };

/** One LSA per (kind, origin, part): a prefix LSA too big for a frame is split into parts. */
export function lsaKey(kind: LsaKind, origin: Name, part = 0): string {
  return part ? `${kind} ${origin.key} #${part}` : `${kind} ${origin.key}`;
}

export function headerOf(lsa: LsaHeader): LsaHeader {
  return lsa.part ? { kind: lsa.kind, origin: lsa.origin, seq: lsa.seq, part: lsa.part } : { kind: lsa.kind, origin: lsa.origin, seq: lsa.seq };
}

export class Lsdb {
  private readonly entries = new Map<string, LsdbEntry>();
  private readonly highest = new Map<string, bigint>();
  /** The last copy of each LSA that was flushed or expired (what an older copy is answered with). */
  private readonly gone = new Map<string, Lsa>();
  /** Since the last takeChanges(): each changed adjacency LSA's neighbor list before (origin key ->, undefined: none). */
  private adjacencyBefore = new Map<string, readonly AdjacencyEntry[] | undefined>();
  private prefixesChanged = false;

  get size(): number {
    return this.entries.size;
  }

  get(kind: LsaKind, origin: Name, part = 0): LsdbEntry | undefined {
    return this.entries.get(lsaKey(kind, origin, part));
  }

  /** Highest sequence number ever seen (installed or flushed) for this LSA. */
  highestSeq(kind: LsaKind, origin: Name, part = 0): bigint | undefined {
    return this.highest.get(lsaKey(kind, origin, part));
  }

  all(): LsdbEntry[] {
    return [...this.entries.values()];
  }

  headers(): LsaHeader[] {
    return this.all().map((e) => headerOf(e.lsa));
  }

  /** The neighbors an origin's adjacency LSA lists now (undefined: no such LSA). */
  adjacencyOf(originKey: string): readonly AdjacencyEntry[] | undefined {
    const l = this.entries.get(`adjacency ${originKey}`)?.lsa;
    return l?.kind === 'adjacency' ? l.neighbors : undefined;
  }

  /**
   * What changed since the last call (route computation asks, src/routing/routes.ts): the
   * adjacency LSAs that changed, each with the neighbor list it had before, and whether any
   * prefix LSA did.
   */
  takeChanges(): { adjacency: ReadonlyMap<string, readonly AdjacencyEntry[] | undefined>; prefixes: boolean } {
    const out = { adjacency: this.adjacencyBefore, prefixes: this.prefixesChanged };
    this.adjacencyBefore = new Map();
    this.prefixesChanged = false;
    return out;
  }

  private changing(lsa: Lsa, before: Lsa | undefined): void {
    if (lsa.kind !== 'adjacency') this.prefixesChanged = true;
    else if (!this.adjacencyBefore.has(lsa.origin.key)) this.adjacencyBefore.set(lsa.origin.key, before?.kind === 'adjacency' ? before.neighbors : undefined);
  }

  /** The last copy of a flushed or expired LSA (none while the LSA is live). */
  lastGone(kind: LsaKind, origin: Name, part = 0): Lsa | undefined {
    return this.gone.get(lsaKey(kind, origin, part));
  }

  /**
   * Offers an LSA whose signature was already checked, with the seconds it has left
   * (`remainingS`, from the wire; default its whole lifetime). Newer sequence wins; equal is a
   * duplicate, unless it is a flush of what we hold (a flushed copy beats a live one); older
   * (than the current copy or anything seen before) is refused, and `current` is what to
   * answer with: the live copy, or the last one of a flushed or expired LSA. Nothing left
   * (lifetime or remaining 0) flushes: the entry goes, its last copy is remembered.
   */
  install(lsa: Lsa, now: number, own = false, remainingS?: number): InstallResult {
    const k = lsaKey(lsa.kind, lsa.origin, lsa.part);
    const cur = this.entries.get(k);
    const hi = this.highest.get(k);
    const life = Math.min(lsa.lifetimeS, remainingS ?? Infinity);
    if (hi !== undefined) {
      if (lsa.seq < hi) return { kind: 'older', current: cur?.lsa ?? this.gone.get(k) };
      if (lsa.seq === hi) {
        if (!cur) return life === 0 ? { kind: 'duplicate' } : { kind: 'older', current: this.gone.get(k) };
        if (life > 0) return { kind: 'duplicate' };
      }
    }
    this.highest.set(k, lsa.seq);
    this.changing(lsa, cur?.lsa);
    if (life <= 0) {
      this.entries.delete(k);
      this.gone.set(k, lsa);
      return { kind: 'flushed', previous: cur?.lsa };
    }
    this.gone.delete(k);
    this.entries.set(k, { lsa, installedAt: now, expiresAt: own ? Infinity : now + life * 1000 });
    return { kind: 'new', previous: cur?.lsa };
  }

  /** Removes and returns every LSA whose lifetime ran out. */
  expire(now: number): Lsa[] {
    const gone: Lsa[] = [];
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.changing(e.lsa, e.lsa);
        this.entries.delete(k);
        this.gone.set(k, e.lsa);
        gone.push(e.lsa);
      }
    }
    return gone;
  }

  /** Seconds an LSA we hold has left, rounded up, as sent on the wire (undefined: its whole lifetime). */
  remainingS(lsa: Lsa, now: number): number | undefined {
    const e = this.entries.get(lsaKey(lsa.kind, lsa.origin, lsa.part));
    if (e?.lsa === lsa) return e.expiresAt === Infinity ? undefined : Math.max(0, Math.ceil((e.expiresAt - now) / 1000));
    // Not the live copy (a flushed or expired one, sent as an answer): nothing left.
    return lsa.lifetimeS === 0 ? undefined : 0;
  }
}
