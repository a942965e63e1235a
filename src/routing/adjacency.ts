/**
 * Flooding state toward one two-way neighbor: LSAs sent and not yet acked (retransmitted every
 * RxmtInterval), LSAs we asked for and not yet received (asked again), and our database
 * summary, resent a few times until the neighbor's own summary shows the exchange took place.
 */
import type { Lsa, LsaHeader, LsaKind, Name } from '../wire/index.js';
import { lsaKey } from './lsdb.js';

export const SUMMARY_TRIES = 5;

export class Adjacency {
  readonly unacked = new Map<string, { lsa: Lsa; sentAt: number }>();
  readonly wanted = new Map<string, { kind: LsaKind; origin: Name; part?: number; seq: bigint; askedAt: number }>();
  summarySent = 0;
  summaryAt = -Infinity;
  gotSummary = false;
  /** Keys listed in the neighbor's summary so far (until its last frame). */
  readonly summarySeen = new Set<string>();

  constructor(readonly iface: string, readonly router: Name) {}

  sent(lsa: Lsa, now: number): void {
    this.unacked.set(lsaKey(lsa.kind, lsa.origin, lsa.part), { lsa, sentAt: now });
  }

  /** An ack (or the same or a newer copy from the neighbor) covers what we sent; true if it did. */
  acked(h: LsaHeader): boolean {
    const k = lsaKey(h.kind, h.origin, h.part);
    const u = this.unacked.get(k);
    if (!u || u.lsa.seq > h.seq) return false;
    this.unacked.delete(k);
    return true;
  }

  received(h: LsaHeader): void {
    const k = lsaKey(h.kind, h.origin, h.part);
    const w = this.wanted.get(k);
    if (w && w.seq <= h.seq) this.wanted.delete(k);
  }

  /** When the next retransmission or repeated request is due. */
  nextDue(rxmtMs: number): number {
    let t = Infinity;
    for (const u of this.unacked.values()) t = Math.min(t, u.sentAt + rxmtMs);
    for (const w of this.wanted.values()) t = Math.min(t, w.askedAt + rxmtMs);
    return t;
  }

  dueRetransmits(now: number, rxmtMs: number): Lsa[] {
    const out: Lsa[] = [];
    for (const u of this.unacked.values()) {
      if (now - u.sentAt >= rxmtMs) {
        u.sentAt = now;
        out.push(u.lsa);
      }
    }
    return out;
  }

  dueRequests(now: number, rxmtMs: number): { kind: LsaKind; origin: Name; part?: number }[] {
    const out: { kind: LsaKind; origin: Name; part?: number }[] = [];
    for (const w of this.wanted.values()) {
      if (now - w.askedAt >= rxmtMs) {
        w.askedAt = now;
        out.push(w.part ? { kind: w.kind, origin: w.origin, part: w.part } : { kind: w.kind, origin: w.origin });
      }
    }
    return out;
  }
}
