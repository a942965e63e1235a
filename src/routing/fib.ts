/**
 * A name trie with longest-prefix match on components: the FIB (and any table keyed by name
 * prefixes). Components are keyed by their canonical text, so lookups never compare bytes.
 */
import { Name } from '../wire/name.js';

interface TrieNode<T> {
  value?: T;
  prefix?: Name;
  children: Map<string, TrieNode<T>>;
}

export class NameTrie<T> {
  private readonly root: TrieNode<T> = { children: new Map() };
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(prefix: Name, value: T): void {
    let node = this.root;
    for (const c of componentKeys(prefix)) {
      let next = node.children.get(c);
      if (!next) node.children.set(c, (next = { children: new Map() }));
      node = next;
    }
    if (node.value === undefined) this.count++;
    node.value = value;
    node.prefix = prefix;
  }

  get(prefix: Name): T | undefined {
    let node: TrieNode<T> | undefined = this.root;
    for (const c of componentKeys(prefix)) if (!(node = node.children.get(c))) return undefined;
    return node.value;
  }

  /** The entry with the longest prefix of `name`, or undefined when none matches. */
  lpm(name: Name): { prefix: Name; value: T } | undefined {
    let node: TrieNode<T> | undefined = this.root;
    let best = node.value !== undefined ? { prefix: node.prefix!, value: node.value } : undefined;
    for (const c of componentKeys(name)) {
      node = node.children.get(c);
      if (!node) break;
      if (node.value !== undefined) best = { prefix: node.prefix!, value: node.value };
    }
    return best;
  }

  /** Every entry, sorted by prefix in canonical name order. */
  entries(): { prefix: Name; value: T }[] {
    const out: { prefix: Name; value: T }[] = [];
    const walk = (n: TrieNode<T>) => {
      if (n.value !== undefined) out.push({ prefix: n.prefix!, value: n.value });
      for (const child of n.children.values()) walk(child);
    };
    walk(this.root);
    return out.sort((a, b) => a.prefix.compare(b.prefix));
  }
}

function componentKeys(name: Name): string[] {
  // Name.toString() escapes '/' inside components, so splitting the text is exact and cached.
  const t = name.toString();
  return t === '/' ? [] : t.slice(1).split('/');
}
