/**
 * Seeded frame generator for the fuzz test: random byte strings and mutations (bit flips,
 * truncations, length corruption, insertions, deletions, splices) of valid encodings.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** xorshift32: fast, and plenty for choosing mutations. */
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.s = x >>> 0);
  }
  below(n: number): number {
    return this.u32() % n;
  }
}

const MSG_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18];
const LENGTH_BYTES = [0, 1, 2, 3, 127, 252, 253, 254, 255];

export const MUTATIONS = ['random', 'bit-flip', 'truncate', 'length', 'insert', 'delete', 'splice', 'repeat'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export function mutate(rng: Rng, corpus: readonly Uint8Array[], kind: Mutation): Uint8Array {
  const base = corpus[rng.below(corpus.length)]!;
  switch (kind) {
    case 'random': {
      const b = new Uint8Array(rng.below(160));
      for (let i = 0; i < b.length; i++) b[i] = rng.below(256);
      // Mostly a valid version and message type, so the decoder goes deep.
      if (b.length > 0 && rng.below(10) > 0) b[0] = 1;
      if (b.length > 1 && rng.below(10) > 1) b[1] = MSG_TYPES[rng.below(MSG_TYPES.length)]!;
      return b;
    }
    case 'bit-flip': {
      const b = base.slice();
      if (b.length === 0) return b;
      const flips = 1 + rng.below(8);
      for (let i = 0; i < flips; i++) b[rng.below(b.length)]! ^= 1 << rng.below(8);
      return b;
    }
    case 'truncate':
      return base.slice(0, rng.below(base.length + 1));
    case 'length': {
      // Overwrite one byte (often a TLV length) with a boundary value, 3-byte and 5-byte forms included.
      const b = base.slice();
      if (b.length === 0) return b;
      const at = rng.below(b.length);
      b[at] = LENGTH_BYTES[rng.below(LENGTH_BYTES.length)]!;
      if (b[at]! >= 253 && at + 2 < b.length && rng.below(2) === 0) b[at + 1] = b[at + 2] = 0xff;
      return b;
    }
    case 'insert': {
      const at = rng.below(base.length + 1);
      const extra = new Uint8Array(1 + rng.below(8));
      for (let i = 0; i < extra.length; i++) extra[i] = rng.below(256);
      const b = new Uint8Array(base.length + extra.length);
      b.set(base.subarray(0, at));
      b.set(extra, at);
      b.set(base.subarray(at), at + extra.length);
      return b;
    }
    case 'delete': {
      const at = rng.below(base.length + 1);
      const n = 1 + rng.below(8);
      const b = new Uint8Array(Math.max(0, base.length - n));
      b.set(base.subarray(0, at).subarray(0, b.length));
      if (at < b.length) b.set(base.subarray(at + n, at + n + b.length - at), at);
      return b;
    }
    case 'splice': {
      const other = corpus[rng.below(corpus.length)]!;
      const a = rng.below(base.length + 1);
      const c = rng.below(other.length + 1);
      const b = new Uint8Array(a + other.length - c);
      b.set(base.subarray(0, a));
      b.set(other.subarray(c), a);
      return b;
    }
    case 'repeat': {
      // Repeat a slice many times: deep or long structures from a small seed.
      const s = rng.below(base.length + 1);
      const e = Math.min(base.length, s + 1 + rng.below(12));
      const chunk = base.subarray(s, e);
      const times = 1 + rng.below(40);
      const b = new Uint8Array(base.length + chunk.length * times);
      b.set(base.subarray(0, e));
      for (let i = 0; i < times; i++) b.set(chunk, e + i * chunk.length);
      b.set(base.subarray(e), e + times * chunk.length);
      return b;
    }
  }
}
