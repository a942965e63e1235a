/**
 * Sends one body's segments reliably (the model is NDNts's UnverifiedFetcher, turned around:
 * here the sender pushes and the receiver acks). One state machine per body: segments in flight
 * with their send time, RTO expiry and retransmission count; a retransmission queue; a window
 * that grows by one segment per window acked and halves at most once per RTO. Each step runs
 * ack handling → RTO expiry → transmission. Time comes from the injected scheduler.
 */
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { SegmentAck } from '../../wire/messages.js';
import type { RttEstimator } from './rtt-estimator.js';
import { acked } from './segments.js';

export interface SenderParameters {
  initialWindow: number;
  maxWindow: number;
  /** Retransmissions of one segment before the body fails. */
  retxLimit: number;
}

export const DEFAULT_SENDER: SenderParameters = { initialWindow: 16, maxWindow: 128, retxLimit: 12 };

export class SegmentLostError extends Error {
  constructor(readonly segIndex: number, readonly segCount: number, readonly retx: number) {
    super(`segment ${segIndex} of ${segCount} not acknowledged after ${retx} retransmissions`);
  }
}

interface Pending {
  txTime: number;
  /** Order of this transmission among all of this sender's. */
  txSeq: number;
  rtoExpiry: number;
  nRetx: number;
  /** Segments sent after this one that the receiver already holds. */
  laterAcked: number;
}

/** A segment is taken for lost once this many segments sent after it were acknowledged (TCP's dupthresh). */
export const LOSS_THRESHOLD = 3;

export interface SenderEvents {
  /** Puts segment i on the wire (retx: it was sent before). */
  transmit(i: number, retx: boolean): void;
  done(): void;
  failed(e: SegmentLostError): void;
}

export class SegmentSender {
  private readonly isAcked: Uint8Array;
  private nAcked = 0;
  private readonly pendings = new Map<number, Pending>();
  private readonly retxCount = new Map<number, number>();
  private readonly retxQ = new Set<number>();
  private nextNew = 0;
  private txSeq = 0;
  private cwnd: number;
  private lastDecrease = -Infinity;
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private finished = false;
  retransmissions = 0;

  constructor(
    readonly count: number,
    private readonly sched: Scheduler,
    private readonly rtt: RttEstimator,
    private readonly ev: SenderEvents,
    private readonly p: SenderParameters = DEFAULT_SENDER,
  ) {
    this.isAcked = new Uint8Array(count);
    this.cwnd = Math.min(p.initialWindow, p.maxWindow);
  }

  get isDone(): boolean {
    return this.finished;
  }

  start(): void {
    this.processTx();
  }

  /** Every segment is held by the receiver (e.g. its answer has begun). */
  allAcked(): void {
    this.onAck({ below: this.count, bits: new Uint8Array() });
  }

  onAck(ack: SegmentAck): void {
    if (this.finished) return;
    const now = this.sched.now();
    const newly: number[] = [];
    for (const [i, st] of this.pendings) {
      if (!acked(ack, i)) continue;
      this.pendings.delete(i);
      this.markAcked(i);
      newly.push(st.txSeq);
      if (st.nRetx === 0) this.rtt.push(now - st.txTime);
      this.cwnd = Math.min(this.p.maxWindow, this.cwnd + 1 / Math.max(1, this.cwnd));
    }
    // Holes: a segment that segments sent after it have overtaken is lost; send it again now
    // rather than an RTO later (the receiver's bitmap says which were overtaken).
    if (newly.length > 0) {
      const lost: number[] = [];
      for (const [i, st] of this.pendings) {
        for (const q of newly) if (q > st.txSeq) st.laterAcked++;
        if (st.laterAcked >= LOSS_THRESHOLD) lost.push(i);
      }
      for (const i of lost) {
        this.pendings.delete(i);
        if (!this.countRetx(i)) return;
        this.retxQ.delete(i);
        this.transmit(i, true); // ahead of the window: it holds the receiver's reassembly up
      }
      if (lost.length > 0 && now - this.lastDecrease >= (this.rtt.smoothed ?? this.rtt.rto)) {
        this.cwnd = Math.max(2, this.cwnd / 2);
        this.lastDecrease = now;
      }
    }
    // Queued for retransmission but held after all (its ack was late, not lost).
    for (const i of this.retxQ) if (acked(ack, i)) { this.retxQ.delete(i); this.markAcked(i); }
    this.step();
  }

  cancel(): void {
    this.finished = true;
    this.timer?.cancel();
  }

  private markAcked(i: number): void {
    if (this.isAcked[i]) return;
    this.isAcked[i] = 1;
    this.nAcked++;
  }

  private step(): void {
    if (this.finished) return;
    if (this.nAcked === this.count) {
      this.finished = true;
      this.timer?.cancel();
      this.ev.done();
      return;
    }
    this.processRtoExpiry();
    if (!this.finished) this.processTx();
  }

  private processRtoExpiry(): void {
    const now = this.sched.now();
    let expired = false;
    for (const [i, st] of this.pendings) {
      if (st.rtoExpiry > now) continue;
      this.pendings.delete(i);
      if (!this.countRetx(i)) return;
      expired = true;
    }
    if (expired) {
      this.rtt.backoff();
      if (now - this.lastDecrease >= this.rtt.rto) {
        this.cwnd = Math.max(2, this.cwnd / 2);
        this.lastDecrease = now;
      }
    }
  }

  /** Queues segment i for retransmission; false (and the body failed) past the limit. */
  private countRetx(i: number): boolean {
    const n = (this.retxCount.get(i) ?? 0) + 1;
    if (n > this.p.retxLimit) {
      this.finished = true;
      this.timer?.cancel();
      this.ev.failed(new SegmentLostError(i, this.count, this.p.retxLimit));
      return false;
    }
    this.retxCount.set(i, n);
    this.retxQ.add(i);
    return true;
  }

  private processTx(): void {
    while (this.pendings.size < Math.floor(this.cwnd)) {
      let i: number;
      let retx = false;
      const first = this.retxQ.values().next();
      if (!first.done) {
        i = first.value;
        this.retxQ.delete(i);
        retx = true;
      } else if (this.nextNew < this.count) {
        i = this.nextNew++;
        if (this.isAcked[i]) continue;
      } else break;
      this.transmit(i, retx);
    }
    this.arm();
  }

  private transmit(i: number, retx: boolean): void {
    const now = this.sched.now();
    this.pendings.set(i, { txTime: now, txSeq: this.txSeq++, rtoExpiry: now + this.rtt.rto, nRetx: this.retxCount.get(i) ?? 0, laterAcked: 0 });
    if (retx) this.retransmissions++;
    this.ev.transmit(i, retx);
  }

  private arm(): void {
    let at = Infinity;
    for (const st of this.pendings.values()) at = Math.min(at, st.rtoExpiry);
    if (at === this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = at === Infinity ? undefined : this.sched.after(Math.max(0, at - this.sched.now()), () => {
      this.timerAt = Infinity;
      this.timer = undefined;
      this.step();
    });
  }
}
