/**
 * The common case of forwarding, straight from the received bytes: a well-formed data packet
 * (wire/data-scan.ts) whose routed name has a FIB entry with exactly one next hop and hop limit
 * to spare leaves with its hop limit decremented in place, with no decode, no re-encode and no
 * allocation. It makes the same decision as decide() in forwarder.ts; everything else (delivery
 * here, no route, hop limit spent, several next hops, a frame the scanner does not vouch for)
 * is declined, and the caller runs the full path, which counts, nacks and reports as before.
 *
 * FIB lookups are cached by the routed name's bytes: building a Name and its text key costs more
 * than the rest of the forwarding. The cache is emptied whenever the router installs a new FIB
 * (SPF replaces the table object) and when it grows past its bound.
 */
import { Name } from '../wire/name.js';
import { scanData } from '../wire/data-scan.js';
import type { RouterCounters } from './counters.js';
import type { NameTrie } from './fib.js';
import type { RibEntry } from './spf.js';

const MAX_CACHED = 4096;

interface CachedRoute {
  readonly key: Uint8Array;
  /** The one interface to send on, or undefined when the full path must decide. */
  readonly iface: string | undefined;
  readonly next: CachedRoute | undefined;
}

export class FastForwarder {
  private fib: NameTrie<RibEntry> | undefined;
  private readonly cache = new Map<number, CachedRoute>();
  private size = 0;

  constructor(
    private readonly fibOf: () => NameTrie<RibEntry>,
    private readonly counters: RouterCounters,
    private readonly send: (iface: string, bytes: Uint8Array) => boolean,
  ) {}

  /**
   * Forwards a received frame if it is the common case, modifying its hop-limit byte in place
   * (the caller must own the bytes); false: not handled, untouched, run the full path.
   */
  forward(bytes: Uint8Array): boolean {
    const s = scanData(bytes);
    if (!s) return false;
    const hop = bytes[s.hopAt]!;
    if (hop <= 1) return false; // spent here: the full path drops, counts and nacks
    const iface = this.route(bytes, s.routedStart, s.routedEnd);
    if (iface === undefined) return false;
    bytes[s.hopAt] = hop - 1;
    this.counters.dataRx++;
    if (this.send(iface, s.end === bytes.length ? bytes : bytes.subarray(0, s.end))) this.counters.dataForwarded++;
    else this.counters.dataDropSendFailed++;
    return true;
  }

  private route(b: Uint8Array, start: number, end: number): string | undefined {
    const fib = this.fibOf();
    if (fib !== this.fib) {
      this.fib = fib;
      this.cache.clear();
      this.size = 0;
    }
    let h = 0x811c9dc5; // FNV-1a
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const first = this.cache.get(h);
    for (let c = first; c; c = c.next) if (same(c.key, b, start, end)) return c.iface;
    if (this.size >= MAX_CACHED) {
      this.cache.clear();
      this.size = 0;
    }
    const hit = fib.lpm(nameAt(b, start, end));
    const one = hit && !hit.value.local && hit.value.nexthops.length === 1 ? hit.value.nexthops[0]!.iface : undefined;
    this.cache.set(h, { key: b.slice(start, end), iface: one, next: this.cache.get(h) });
    this.size++;
    return one;
  }
}

function same(key: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== b[start + i]) return false;
  return true;
}

/** The Name of a components-only value range (the scanner has checked its structure). */
function nameAt(b: Uint8Array, p: number, end: number): Name {
  const comps: Uint8Array[] = [];
  while (p < end) {
    p++; // Component type (1 byte: 0x14)
    let len = b[p++]!;
    if (len === 253) {
      len = (b[p]! << 8) | b[p + 1]!;
      p += 2;
    } else if (len === 254) {
      len = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      p += 4;
    }
    comps.push(b.slice(p, p + len));
    p += len;
  }
  return new Name(comps);
}
