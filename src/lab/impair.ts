/**
 * Pure: what netem does to each frame, decided with an injected clock and random source (the
 * relay in netem-relay.ts does the I/O). Per frame, in netem's order: loss, duplication,
 * corruption, then the time it leaves: the rate's serialisation (frames queue behind each
 * other), plus the delay with uniform jitter, except for the reordered share, which leaves
 * without the delay.
 */
import type { NetemSettings } from '../topology/index.js';

export interface Departure { at: number; frame: Uint8Array }

const ETH_HLEN = 14;

export class Impairment {
  /** When the link is free again (rate limiting); ms on the injected clock. */
  private busyUntil = 0;

  constructor(public settings: NetemSettings, private readonly random: () => number = Math.random) {}

  /** The copies of `frame` to send and when (none when lost). */
  admit(frame: Uint8Array, now: number): Departure[] {
    const s = this.settings;
    if (s.lossPct && this.random() * 100 < s.lossPct) return [];
    const copies = s.duplicatePct && this.random() * 100 < s.duplicatePct ? 2 : 1;
    const out: Departure[] = [];
    for (let c = 0; c < copies; c++) {
      let f = frame;
      if (s.corruptPct && this.random() * 100 < s.corruptPct && frame.length > ETH_HLEN) {
        // One flipped bit after the Ethernet header, as netem does (the addresses stay intact,
        // so the frame still reaches its peer and the receiver's decoder sees the damage).
        f = Uint8Array.from(frame);
        const i = ETH_HLEN + Math.floor(this.random() * (f.length - ETH_HLEN));
        f[i]! ^= 1 << Math.floor(this.random() * 8);
      }
      let at = now;
      if (s.rateKbit) {
        this.busyUntil = Math.max(this.busyUntil, now) + (f.length * 8) / s.rateKbit; // kbit/s = bit/ms
        at = this.busyUntil;
      }
      const reordered = s.reorderPct !== undefined && s.reorderPct > 0 && this.random() * 100 < s.reorderPct;
      if (s.delayMs && !reordered) {
        const j = s.jitterMs ? (this.random() * 2 - 1) * s.jitterMs : 0;
        at += Math.max(0, s.delayMs + j);
      }
      out.push({ at, frame: f });
    }
    return out;
  }
}

/** Frames waiting to leave, earliest first (mostly appended at the end: a binary insert). */
export class DepartureQueue {
  private readonly q: Departure[] = [];

  push(d: Departure): void {
    let lo = 0;
    let hi = this.q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.q[mid]!.at <= d.at) lo = mid + 1;
      else hi = mid;
    }
    this.q.splice(lo, 0, d);
  }

  /** Removes and returns every departure due at `now`. */
  due(now: number): Departure[] {
    let n = 0;
    while (n < this.q.length && this.q[n]!.at <= now) n++;
    return this.q.splice(0, n);
  }

  get next(): number | undefined {
    return this.q[0]?.at;
  }

  get size(): number {
    return this.q.length;
  }
}
