/**
 * An in-memory point-to-point link: two Faces joined in one process, with loss, delay and
 * carrier that tests set at will. Time comes from an injected scheduler, so with virtual time
 * a link with 5 ms delay costs no real time at all. Each node gets a MemoryLinkWatcher that
 * reports carrier changes of its ends, as the real LinkWatcher does for a network namespace.
 */
import type { Face, FaceCounters, FrameHandler, LinkWatcher } from './face.js';

export interface LinkScheduler {
  now(): number;
  after(delayMs: number, fn: () => void): { cancel(): void };
}

export interface MemoryLinkOptions {
  scheduler: LinkScheduler;
  delayMs?: number;
  /** Probability (0..1) that a frame is lost, per direction. */
  loss?: number;
  mtu?: number;
  /** Random source for loss (seed it for repeatable tests). */
  random?: () => number;
}

export interface MemoryLinkEnd {
  ifname: string;
  watcher?: MemoryLinkWatcher;
}

export type Direction = 'a->b' | 'b->a' | 'both';

let macCounter = 0;

class MemoryFace implements Face {
  readonly mac: Uint8Array;
  peer!: MemoryFace;
  handler: FrameHandler | undefined;
  closed = false;
  loss: number;
  private readonly c: FaceCounters = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, rxKernelDrops: 0, txErrors: 0 };

  constructor(readonly ifname: string, readonly mtu: number, private readonly link: MemoryLink, loss: number) {
    const n = ++macCounter;
    this.mac = Uint8Array.from([0x02, 0xda, 0x3c, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    this.loss = loss;
  }

  send(payload: Uint8Array): boolean {
    if (this.closed || !this.link.up || payload.length > this.mtu) {
      this.c.txErrors++;
      return false;
    }
    this.c.txFrames++;
    this.c.txBytes += payload.length;
    if (this.loss > 0 && this.link.random() < this.loss) return true; // lost on the wire, as far as the sender knows
    const copy = payload.slice();
    const peer = this.peer;
    this.link.scheduler.after(this.link.delayMs, () => {
      if (!this.link.up || peer.closed) return;
      peer.c.rxFrames++;
      peer.c.rxBytes += copy.length;
      peer.handler?.(copy, this.mac);
    });
    return true;
  }

  onReceive(handler: FrameHandler): void {
    this.handler = handler;
  }

  counters(): FaceCounters {
    return { ...this.c };
  }

  close(): void {
    this.closed = true;
    this.handler = undefined;
  }
}

export class MemoryLink {
  readonly a: Face;
  readonly b: Face;
  readonly scheduler: LinkScheduler;
  readonly random: () => number;
  delayMs: number;
  up = true;

  constructor(private readonly endA: MemoryLinkEnd, private readonly endB: MemoryLinkEnd, o: MemoryLinkOptions) {
    this.scheduler = o.scheduler;
    this.delayMs = o.delayMs ?? 1;
    this.random = o.random ?? Math.random;
    const fa = new MemoryFace(endA.ifname, o.mtu ?? 1500, this, o.loss ?? 0);
    const fb = new MemoryFace(endB.ifname, o.mtu ?? 1500, this, o.loss ?? 0);
    fa.peer = fb;
    fb.peer = fa;
    this.a = fa;
    this.b = fb;
  }

  /** Carrier of both ends (a cable pulled or `ip link set down`); watchers hear it at once. */
  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.endA.watcher?.emit(this.endA.ifname, up);
    this.endB.watcher?.emit(this.endB.ifname, up);
  }

  /** Frame loss without carrier change: 1 makes a silent failure. */
  setLoss(loss: number, direction: Direction = 'both'): void {
    if (direction !== 'b->a') (this.a as MemoryFace).loss = loss;
    if (direction !== 'a->b') (this.b as MemoryFace).loss = loss;
  }
}

export class MemoryLinkWatcher implements LinkWatcher {
  private handlers: ((ifname: string, up: boolean) => void)[] = [];

  onChange(handler: (ifname: string, up: boolean) => void): void {
    this.handlers.push(handler);
  }

  emit(ifname: string, up: boolean): void {
    for (const h of this.handlers) h(ifname, up);
  }

  close(): void {
    this.handlers = [];
  }
}
