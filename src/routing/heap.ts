/** A binary min-heap of (key, id) pairs in flat typed arrays: the priority queue of SPF. */
export class MinHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private n = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(key: number, id: number): void {
    if (this.n === this.keys.length) this.grow();
    let i = this.n++;
    const keys = this.keys, ids = this.ids;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      ids[i] = ids[p]!;
      i = p;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the smallest pair; returns its id (read its key first with peekKey). */
  pop(): number {
    const keys = this.keys, ids = this.ids;
    const top = ids[0]!;
    const n = --this.n;
    const key = keys[n]!, id = ids[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= key) break;
      keys[i] = keys[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    keys[i] = key;
    ids[i] = id;
    return top;
  }

  peekKey(): number {
    return this.keys[0]!;
  }

  private grow(): void {
    const k = new Float64Array(this.keys.length * 2);
    k.set(this.keys);
    const d = new Int32Array(this.ids.length * 2);
    d.set(this.ids);
    this.keys = k;
    this.ids = d;
  }
}
