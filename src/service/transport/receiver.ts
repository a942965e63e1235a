/**
 * The receiving half of one body: reassembly plus when to ack. An ack goes out at once when the
 * body is complete or a duplicate arrives (our ack was lost), else after every `every` new
 * segments or `delayMs` after the first unacked one. Its bitmap tells the sender of holes.
 */
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { SegmentAck } from '../../wire/messages.js';
import { Reassembly } from './segments.js';

export interface AckPolicy {
  every: number;
  delayMs: number;
  /**
   * A serving SG holds the ack of a complete request this long: an answer that starts sooner
   * acknowledges it anyway (one packet less per exchange). Well under the 50 ms RTO floor.
   */
  completeDelayMs: number;
}

export const DEFAULT_ACK: AckPolicy = { every: 4, delayMs: 2, completeDelayMs: 5 };

export class SegmentReceiver {
  readonly parts: Reassembly;
  private unacked = 0;
  private timer: Timer | undefined;

  constructor(
    count: number, maxBytes: number, private readonly sched: Scheduler, private readonly sendAck: (a: SegmentAck) => void,
    private readonly p: AckPolicy = DEFAULT_ACK, private readonly deferComplete = false,
  ) {
    this.parts = new Reassembly(count, maxBytes);
  }

  /** 'too-large' means the body passes the limit: the caller gives up on the exchange. */
  push(index: number, payload: Uint8Array): 'new' | 'duplicate' | 'too-large' {
    const r = this.parts.push(index, payload);
    if (r === 'too-large') return r;
    if (r === 'duplicate') {
      // Our ack was lost, or the sender timed out early: tell it again now.
      this.ackNow();
      return r;
    }
    this.unacked++;
    if (this.parts.complete && this.deferComplete) {
      this.timer?.cancel();
      this.timer = this.sched.after(this.p.completeDelayMs, () => { this.timer = undefined; this.ackNow(); });
    } else if (this.parts.complete || this.unacked >= this.p.every) this.ackNow();
    else this.timer ??= this.sched.after(this.p.delayMs, () => { this.timer = undefined; this.ackNow(); });
    return r;
  }

  ackNow(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.unacked = 0;
    this.sendAck(this.parts.ack());
  }

  cancel(): void {
    this.timer?.cancel();
  }
}
