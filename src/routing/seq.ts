/**
 * Sequence numbers for this router's own LSAs, never reused, also across a restart:
 * seq = max(last persisted + 1, wall-clock ms). The clock part keeps a restarted router ahead
 * of its old LSAs even when its state was lost; the persisted part keeps it ahead when the
 * clock stepped back. If a neighbor still floods an own LSA newer than both, `jumpAbove`
 * moves past it (the self-originated LSA rule).
 */
export interface SeqStore {
  load(): bigint | undefined;
  save(seq: bigint): void;
}

export class MemorySeqStore implements SeqStore {
  value: bigint | undefined;
  load(): bigint | undefined {
    return this.value;
  }
  save(seq: bigint): void {
    this.value = seq;
  }
}

export class SequenceSource {
  private last: bigint;

  constructor(private readonly store: SeqStore, private readonly wallClockMs: () => number) {
    this.last = store.load() ?? 0n;
  }

  get current(): bigint {
    return this.last;
  }

  next(): bigint {
    const now = BigInt(Math.floor(this.wallClockMs()));
    this.last = this.last + 1n > now ? this.last + 1n : now;
    this.store.save(this.last);
    return this.last;
  }

  /** Makes the next number larger than `seen`. */
  jumpAbove(seen: bigint): void {
    if (seen > this.last) {
      this.last = seen;
      this.store.save(seen);
    }
  }
}
