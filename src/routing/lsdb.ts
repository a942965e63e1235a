/**
 * The link-state database: one LSA per (kind, origin), with the install rules of OSPF-style
 * flooding. Pure: the caller passes the time; the highest sequence number ever seen per LSA
 * outlives the LSA itself, so a replayed old copy is refused even after the LSA expired.
 */
import type { Lsa, LsaHeader, LsaKind, Name } from '../wire/index.js';

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

export function lsaKey(kind: LsaKind, origin: Name): string {
  return `${kind} ${origin.key}`;
}

export function headerOf(lsa: LsaHeader): LsaHeader {
  return { kind: lsa.kind, origin: lsa.origin, seq: lsa.seq };
}

export class Lsdb {
  private readonly entries = new Map<string, LsdbEntry>();
  private readonly highest = new Map<string, bigint>();

  get size(): number {
    return this.entries.size;
  }

  get(kind: LsaKind, origin: Name): LsdbEntry | undefined {
    return this.entries.get(lsaKey(kind, origin));
  }

  /** Highest sequence number ever seen (installed or flushed) for this LSA. */
  highestSeq(kind: LsaKind, origin: Name): bigint | undefined {
    return this.highest.get(lsaKey(kind, origin));
  }

  all(): LsdbEntry[] {
    return [...this.entries.values()];
  }

  headers(): LsaHeader[] {
    return this.all().map((e) => headerOf(e.lsa));
  }

  /**
   * Offers an LSA whose signature was already checked. Newer sequence wins; equal is a
   * duplicate; older (than the current copy or anything seen before) is refused. Lifetime 0
   * flushes: the entry goes, its sequence number is remembered.
   */
  install(lsa: Lsa, now: number, own = false): InstallResult {
    const k = lsaKey(lsa.kind, lsa.origin);
    const cur = this.entries.get(k);
    const hi = this.highest.get(k);
    if (hi !== undefined) {
      if (lsa.seq < hi) return { kind: 'older', current: cur?.lsa };
      if (lsa.seq === hi) return cur || lsa.lifetimeS === 0 ? { kind: 'duplicate' } : { kind: 'older' };
    }
    this.highest.set(k, lsa.seq);
    if (lsa.lifetimeS === 0) {
      this.entries.delete(k);
      return { kind: 'flushed', previous: cur?.lsa };
    }
    this.entries.set(k, { lsa, installedAt: now, expiresAt: own ? Infinity : now + lsa.lifetimeS * 1000 });
    return { kind: 'new', previous: cur?.lsa };
  }

  /** Removes and returns every LSA whose lifetime ran out. */
  expire(now: number): Lsa[] {
    const gone: Lsa[] = [];
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.entries.delete(k);
        gone.push(e.lsa);
      }
    }
    return gone;
  }
}
