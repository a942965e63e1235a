/**
 * A prepending TLV encoder (as NDNts does it): the output grows toward the front of a buffer,
 * so a TLV's value is written first and its length is known when its header goes in front.
 * Callers therefore write fields in REVERSE order. One scratch buffer is reused between
 * encodings; `output()` copies the result out, so callers own what they get.
 */
const textEncoder = new TextEncoder();
const MAX_NNI = 0xffff_ffff_ffff_ffffn;

export class TlvEncoder {
  private buf: Uint8Array;
  private view: DataView;
  private pos: number;

  constructor(initial = 2048) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
    this.pos = initial;
  }

  /** Bytes written so far; used as a mark: `close(type, mark)` wraps everything after it. */
  get size(): number {
    return this.buf.length - this.pos;
  }

  reset(): void {
    this.pos = this.buf.length;
  }

  output(): Uint8Array {
    return this.buf.slice(this.pos);
  }

  private room(n: number): void {
    if (this.pos >= n) return;
    const used = this.size;
    let cap = this.buf.length * 2;
    while (cap - used < n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(this.pos), cap - used);
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.pos = cap - used;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.pos -= b.length;
    this.buf.set(b, this.pos);
  }

  byte(x: number): void {
    this.room(1);
    this.buf[--this.pos] = x;
  }

  varNum(n: number): void {
    if (n < 253) {
      this.byte(n);
    } else if (n <= 0xffff) {
      this.room(3);
      this.pos -= 3;
      this.buf[this.pos] = 253;
      this.view.setUint16(this.pos + 1, n);
    } else if (n <= 0xffff_ffff) {
      this.room(5);
      this.pos -= 5;
      this.buf[this.pos] = 254;
      this.view.setUint32(this.pos + 1, n);
    } else {
      this.room(9);
      this.pos -= 9;
      this.buf[this.pos] = 255;
      this.view.setBigUint64(this.pos + 1, BigInt(n));
    }
  }

  /** Wraps everything written after `mark` into a TLV of `type`. */
  close(type: number, mark: number): void {
    this.varNum(this.size - mark);
    this.varNum(type);
  }

  /** NonNegativeInteger value: 1, 2, 4 or 8 bytes big-endian, the shortest that fits. */
  nni(n: number | bigint, what: string): void {
    if (typeof n === 'bigint') {
      if (n < 0n || n > MAX_NNI) throw new RangeError(`${what} ${n} is outside 0..2^64-1`);
      if (n > 0xffff_ffffn) {
        this.room(8);
        this.pos -= 8;
        this.view.setBigUint64(this.pos, n);
        return;
      }
      n = Number(n);
    } else if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`${what} ${n} is not a non-negative safe integer`);
    }
    if (n <= 0xff) {
      this.byte(n);
    } else if (n <= 0xffff) {
      this.room(2);
      this.pos -= 2;
      this.view.setUint16(this.pos, n);
    } else if (n <= 0xffff_ffff) {
      this.room(4);
      this.pos -= 4;
      this.view.setUint32(this.pos, n);
    } else {
      this.room(8);
      this.pos -= 8;
      this.view.setUint32(this.pos, Math.floor(n / 0x1_0000_0000));
      this.view.setUint32(this.pos + 4, n >>> 0);
    }
  }

  nniTlv(type: number, n: number | bigint, what: string): void {
    const m = this.size;
    this.nni(n, what);
    this.close(type, m);
  }

  boolTlv(type: number, b: boolean): void {
    this.byte(b ? 1 : 0);
    this.byte(1);
    this.varNum(type);
  }

  bytesTlv(type: number, b: Uint8Array): void {
    this.bytes(b);
    this.varNum(b.length);
    this.varNum(type);
  }

  textTlv(type: number, s: string, what: string): void {
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new RangeError(`${what} contains a lone surrogate; it cannot be UTF-8`);
    this.bytesTlv(type, textEncoder.encode(s));
  }
}
