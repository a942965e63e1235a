/**
 * The forwarding decision for a data packet: longest-prefix match in the FIB, hop limit, and a
 * choice among equal-cost next hops by a hash of name and request id, so one exchange keeps
 * one path while different exchanges spread over all of them.
 */
import type { DataRequest, DataResponse, Nack, Name } from '../wire/index.js';
import { NameTrie } from './fib.js';
import type { NextHop, RibEntry } from './spf.js';

export type DataPacket = DataRequest | DataResponse | Nack;

export type ForwardDecision =
  | { readonly action: 'deliver' }
  | { readonly action: 'send'; readonly nexthop: NextHop; readonly hopLimit: number }
  | { readonly action: 'drop'; readonly reason: 'no-route' | 'hop-limit' };

/** Requests go by their name; responses and nacks go back by the requester's name. */
export function routingName(p: DataPacket): Name {
  return p.type === 'request' ? p.name : p.requester;
}

/**
 * `fromIface` is undefined for packets this router originates; those keep their hop limit,
 * while a received packet spends one hop here.
 */
export function decide(fib: NameTrie<RibEntry>, p: DataPacket, fromIface: string | undefined): ForwardDecision {
  const hit = fib.lpm(routingName(p));
  if (!hit) return { action: 'drop', reason: 'no-route' };
  if (hit.value.local) return { action: 'deliver' };
  const hopLimit = fromIface === undefined ? p.hopLimit : p.hopLimit - 1;
  if (hopLimit <= 0) return { action: 'drop', reason: 'hop-limit' };
  let hops = hit.value.nexthops;
  if (hops.length === 0) return { action: 'drop', reason: 'no-route' };
  // Never bounce a packet back where it came from while another equal-cost hop exists.
  if (hops.length > 1 && fromIface !== undefined) {
    const others = hops.filter((h) => h.iface !== fromIface);
    if (others.length > 0) hops = others;
  }
  const nexthop = hops.length === 1 ? hops[0]! : hops[flowHash(p) % hops.length]!;
  return { action: 'send', nexthop, hopLimit };
}

/** FNV-1a over the routed name and request id. */
function flowHash(p: DataPacket): number {
  const s = `${p.name.key}#${p.requestId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function buildFib(rib: readonly RibEntry[]): NameTrie<RibEntry> {
  return rib.reduce((t, e) => (t.set(e.prefix, e), t), new NameTrie<RibEntry>());
}

/** How many prefixes were added, removed or got other next hops or cost (logged per SPF run). */
export function fibDiff(a: NameTrie<RibEntry>, b: NameTrie<RibEntry>): number {
  let n = 0;
  for (const { prefix, value } of b.all()) {
    const old = a.get(prefix);
    if (!old || old.local !== value.local || old.cost !== value.cost || old.nexthops.length !== value.nexthops.length ||
      old.nexthops.some((h, i) => h.iface !== value.nexthops[i]!.iface || !h.neighbor.equals(value.nexthops[i]!.neighbor))) n++;
  }
  for (const { prefix } of a.all()) if (b.get(prefix) === undefined) n++;
  return n;
}
