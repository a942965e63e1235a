/**
 * TLV reading over a byte range. A reader walks sibling TLVs; after `next()` returns true the
 * current element is `type` with its value at buf[vStart, vEnd). Every bound is checked
 * against the enclosing range, so a corrupt length can never read past it or loop: each
 * `next()` advances by at least two bytes or throws.
 */
import { isCritical } from './types.js';

export type DecodeErrorCode =
  | 'truncated'
  | 'bad-length'
  | 'bad-type'
  | 'unknown-critical-type'
  | 'unknown-message-type'
  | 'unsupported-version'
  | 'missing-field'
  | 'duplicate-field'
  | 'bad-value'
  | 'trailing-bytes';

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    /** Byte offset in the decoded payload where the problem starts. */
    readonly offset: number,
    detail: string,
  ) {
    super(`DAMC decode ${code} at byte ${offset}: ${detail}`);
    this.name = 'DecodeError';
  }
}

const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class TlvReader {
  /** Counts skipped unknown fields, so a signed body can tell that it held some. */
  static skips = 0;
  type = 0;
  /** Offset of the current element's first header byte. */
  start = 0;
  vStart = 0;
  vEnd = 0;
  private pos: number;

  constructor(
    readonly buf: Uint8Array,
    begin: number,
    readonly end: number,
  ) {
    this.pos = begin;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  next(): boolean {
    if (this.pos >= this.end) return false;
    this.start = this.pos;
    const type = this.varNum();
    if (type === 0) throw new DecodeError('bad-type', this.start, 'TLV type 0 is invalid');
    const len = this.varNum();
    if (len > this.end - this.pos) {
      throw new DecodeError('truncated', this.start, `TLV type ${type} claims ${len} bytes, ${this.end - this.pos} remain`);
    }
    this.type = type;
    this.vStart = this.pos;
    this.vEnd = this.pos + len;
    this.pos = this.vEnd;
    return true;
  }

  private varNum(): number {
    const b = this.buf;
    const p = this.pos;
    if (p >= this.end) throw new DecodeError('truncated', p, 'TLV header cut short');
    const first = b[p]!;
    if (first < 253) {
      this.pos = p + 1;
      return first;
    }
    const n = first === 253 ? 2 : first === 254 ? 4 : 8;
    if (p + 1 + n > this.end) throw new DecodeError('truncated', p, 'VAR-NUMBER cut short');
    this.pos = p + 1 + n;
    if (n === 2) return (b[p + 1]! << 8) | b[p + 2]!;
    if (n === 8) throw new DecodeError('bad-length', p, '8-byte VAR-NUMBERs are not accepted (no frame is that large)');
    return ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0;
  }

  /** Skips the current element if its type is skippable; throws if it is critical. */
  unknown(where: string): void {
    if (isCritical(this.type)) {
      throw new DecodeError('unknown-critical-type', this.start, `unknown critical TLV type ${this.type} in ${where}`);
    }
    TlvReader.skips++;
  }

  child(): TlvReader {
    return new TlvReader(this.buf, this.vStart, this.vEnd);
  }

  get length(): number {
    return this.vEnd - this.vStart;
  }

  copy(): Uint8Array {
    return this.buf.slice(this.vStart, this.vEnd);
  }

  /** NonNegativeInteger as a JS number; values above 2^53-1 are 'bad-value'. */
  nni(): number {
    const b = this.buf;
    const p = this.vStart;
    switch (this.length) {
      case 1:
        return b[p]!;
      case 2:
        return (b[p]! << 8) | b[p + 1]!;
      case 4:
        return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      case 8: {
        const hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
        const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
        if (hi > 0x1f_ffff) throw new DecodeError('bad-value', this.start, `integer in TLV ${this.type} exceeds 2^53-1`);
        return hi * 0x1_0000_0000 + lo;
      }
      default:
        throw new DecodeError('bad-length', this.start, `integer in TLV ${this.type} has ${this.length} bytes, not 1, 2, 4 or 8`);
    }
  }

  bigNni(): bigint {
    if (this.length !== 8) return BigInt(this.nni());
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.vStart, 8);
    return v.getBigUint64(0);
  }

  bool(): boolean {
    if (this.length !== 1) throw new DecodeError('bad-length', this.start, `boolean in TLV ${this.type} must be 1 byte`);
    const v = this.buf[this.vStart]!;
    if (v > 1) throw new DecodeError('bad-value', this.start, `boolean in TLV ${this.type} is ${v}, not 0 or 1`);
    return v === 1;
  }

  text(): string {
    try {
      return textDecoder.decode(this.buf.subarray(this.vStart, this.vEnd));
    } catch {
      throw new DecodeError('bad-value', this.start, `TLV ${this.type} is not valid UTF-8`);
    }
  }
}
