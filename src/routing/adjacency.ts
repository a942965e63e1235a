/**
 * Flooding state toward one two-way neighbor: LSAs sent and not yet acked (retransmitted after
 * RxmtInterval, backing off), LSAs we asked for and not yet received (asked again), and our database
 * summary, resent a few times until the neighbor's own summary shows the exchange took place.
 */
import type { Lsa, LsaHeader, LsaKind, Name } from '../wire/index.js';
import { lsaKey } from './lsdb.js';

export const SUMMARY_TRIES = 5;
/** Retransmissions per round to a neighbor that acked nothing since the last round. */
export const RXMT_SILENT_BATCH = 16;

/**
 * The wait before retransmission number `tries + 1`: RxmtInterval, doubling per try up to 8 of
 * them. A neighbor that does not ack is mostly a neighbor starved of CPU; sending it everything
 * again every interval only deepens the backlog it cannot read (at 275 routers a router had
 * retransmitted 1,460 LSAs within two minutes).
 */
export function backoff(rxmtMs: number, tries: number): number {
  return rxmtMs * 2 ** Math.min(3, tries);
}

export class Adjacency {
  /** `tries`: retransmissions so far; each doubles the wait for the next (at most 8 RxmtIntervals). */
  readonly unacked = new Map<string, { lsa: Lsa; sentAt: number; tries: number }>();
  readonly wanted = new Map<string, { kind: LsaKind; origin: Name; part?: number; seq: bigint; askedAt: number }>();
  summarySent = 0;
  summaryAt = -Infinity;
  gotSummary = false;
  /** Keys listed in the neighbor's summary so far (until its last frame). */
  readonly summarySeen = new Set<string>();

  constructor(readonly iface: string, readonly router: Name) {}

  sent(lsa: Lsa, now: number): void {
    this.unacked.set(lsaKey(lsa.kind, lsa.origin, lsa.part), { lsa, sentAt: now, tries: 0 });
  }

  /** An ack (or the same or a newer copy from the neighbor) covers what we sent; true if it did. */
  acked(h: LsaHeader): boolean {
    const k = lsaKey(h.kind, h.origin, h.part);
    const u = this.unacked.get(k);
    if (!u || u.lsa.seq > h.seq) return false;
    this.unacked.delete(k);
    this.ackedSinceRetransmit = true;
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
    for (const u of this.unacked.values()) t = Math.min(t, u.sentAt + backoff(rxmtMs, u.tries));
    for (const w of this.wanted.values()) t = Math.min(t, w.askedAt + rxmtMs);
    return t;
  }

  /**
   * The unacked LSAs due again. A neighbor that acked nothing since our last retransmission
   * round gets at most RXMT_SILENT_BATCH of them this round (the rest stay due): like TCP after
   * a timeout, a silent receiver is probed, not sent the whole backlog again.
   */
  dueRetransmits(now: number, rxmtMs: number): Lsa[] {
    const out: Lsa[] = [];
    const limit = this.ackedSinceRetransmit ? Infinity : RXMT_SILENT_BATCH;
    for (const u of this.unacked.values()) {
      if (out.length >= limit) break;
      if (now - u.sentAt >= backoff(rxmtMs, u.tries)) {
        u.sentAt = now;
        u.tries++;
        out.push(u.lsa);
      }
    }
    if (out.length > 0) this.ackedSinceRetransmit = false;
    return out;
  }

  /** Whether the neighbor acked anything since our last retransmission round. */
  private ackedSinceRetransmit = true;

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
