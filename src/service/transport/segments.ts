/** Cutting a body into segments, and putting received segments back together in order. */
import type { SegmentAck } from '../../wire/messages.js';
import type { Name } from '../../wire/name.js';

/** At least one segment, so an empty body is still one (empty) segment. */
export function split(body: Uint8Array, segmentSize: number): Uint8Array[] {
  if (segmentSize <= 0) throw new RangeError(`segment size ${segmentSize} leaves no room for data`);
  const n = Math.max(1, Math.ceil(body.length / segmentSize));
  return Array.from({ length: n }, (_x, i) => body.subarray(i * segmentSize, Math.min(body.length, (i + 1) * segmentSize)));
}

/** Bits in an ack's bitmap past `below` (64 bytes): more than a full send window. */
export const ACK_BITS = 512;

export class Reassembly {
  private readonly parts: (Uint8Array | undefined)[];
  private held = 0;
  private below = 0;
  private bytes = 0;

  constructor(readonly count: number, private readonly maxBytes: number) {
    this.parts = new Array<Uint8Array | undefined>(count);
  }

  /** 'new', 'duplicate', or 'too-large' when the body would pass maxBytes. */
  push(index: number, payload: Uint8Array): 'new' | 'duplicate' | 'too-large' {
    if (this.parts[index] !== undefined) return 'duplicate';
    if (this.bytes + payload.length > this.maxBytes) return 'too-large';
    this.parts[index] = payload;
    this.bytes += payload.length;
    this.held++;
    while (this.below < this.count && this.parts[this.below] !== undefined) this.below++;
    return 'new';
  }

  get complete(): boolean {
    return this.held === this.count;
  }

  /** Received out of order: some segment above `below` is held. */
  get hasGap(): boolean {
    return this.held > this.below;
  }

  ack(): SegmentAck {
    const past = Math.min(ACK_BITS, this.count - this.below - 1);
    if (past <= 0 || !this.hasGap) return { below: this.below, bits: new Uint8Array() };
    const bits = new Uint8Array(Math.ceil(past / 8));
    for (let i = 0; i < past; i++) if (this.parts[this.below + 1 + i] !== undefined) bits[i >> 3]! |= 1 << (i & 7);
    return { below: this.below, bits };
  }

  body(): Uint8Array {
    return Buffer.concat(this.parts as Uint8Array[]);
  }
}

/** Whether an ack says segment i is held. */
export function acked(ack: SegmentAck, i: number): boolean {
  if (i < ack.below) return true;
  const b = i - ack.below - 1;
  return b >= 0 && b < ack.bits.length * 8 && (ack.bits[b >> 3]! & (1 << (b & 7))) !== 0;
}

function varNumSize(n: number): number {
  return n < 253 ? 1 : n <= 0xffff ? 3 : 5;
}

/** Encoded size of a name field (type, length, components): what a Responder costs a segment. */
export function nameTlvSize(n: Name): number {
  let v = 0;
  for (const c of n.components) v += 1 + varNumSize(c.length) + c.length;
  return 1 + varNumSize(v) + v;
}
