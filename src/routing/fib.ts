/**
 * A table keyed by name prefixes with longest-prefix match on whole components: the FIB.
 * One Map from canonical prefix text to entry (the text is cached on each Name, and '/' inside a
 * component is escaped, so cutting the text at '/' is cutting at component boundaries); a lookup
 * tries the name's prefixes from longest to shortest. Building is one Map.set per route.
 */
import type { Name } from '../wire/index.js';

export class NameTrie<T> {
  private readonly map = new Map<string, { prefix: Name; value: T }>();

  get size(): number {
    return this.map.size;
  }

  set(prefix: Name, value: T): void {
    this.map.set(prefix.key, { prefix, value });
  }

  get(prefix: Name): T | undefined {
    return this.map.get(prefix.key)?.value;
  }

  delete(prefix: Name): boolean {
    return this.map.delete(prefix.key);
  }

  /** The entry with the longest prefix of `name`, or undefined when none matches. */
  lpm(name: Name): { prefix: Name; value: T } | undefined {
    let t = name.key;
    for (;;) {
      const hit = this.map.get(t);
      if (hit) return hit;
      if (t === '/') return undefined;
      const cut = t.lastIndexOf('/');
      t = cut === 0 ? '/' : t.slice(0, cut);
    }
  }

  /** Every entry, unsorted (cheap). */
  all(): IterableIterator<{ prefix: Name; value: T }> {
    return this.map.values();
  }

  /** Every entry, sorted by prefix in canonical name order. */
  entries(): { prefix: Name; value: T }[] {
    return [...this.map.values()].sort((a, b) => a.prefix.compare(b.prefix));
  }
}
