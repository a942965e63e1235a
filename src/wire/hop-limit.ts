/**
 * Hop limit handling on encoded bytes, so a router forwards without decoding and re-encoding.
 * Rule: a router about to FORWARD a request, response or nack calls decrementHopLimit; when the
 * packet arrived with hop limit 0 it is 'expired' and must be dropped (and counted). Delivering
 * to the router's own pod is not forwarding and needs no hop. The encoder always writes the
 * HopLimit TLV (1-byte value) first in the message, so the search below stops at once.
 */
import type { Name } from './name.js';
import { DecodeError, TlvReader } from './tlv-decoder.js';
import { MsgType, PROTOCOL_VERSION, T } from './types.js';

const DATA_TYPES: ReadonlySet<number> = new Set([MsgType.request, MsgType.response, MsgType.nack]);

/** Offset of the hop-limit byte in an encoded request/response/nack; throws DecodeError otherwise. */
export function hopLimitOffset(bytes: Uint8Array): number {
  if (bytes.length === 0) throw new DecodeError('truncated', 0, 'empty payload');
  if (bytes[0] !== PROTOCOL_VERSION) throw new DecodeError('unsupported-version', 0, `version ${bytes[0]}`);
  const outer = new TlvReader(bytes, 1, bytes.length);
  if (!outer.next()) throw new DecodeError('truncated', 1, 'no message');
  if (!DATA_TYPES.has(outer.type)) {
    throw new DecodeError('unknown-message-type', outer.start, `message type ${outer.type} carries no hop limit`);
  }
  const r = outer.child();
  while (r.next()) {
    if (r.type === T.HopLimit) {
      if (r.length !== 1) throw new DecodeError('bad-length', r.start, 'hop limit must be 1 byte');
      return r.vStart;
    }
  }
  throw new DecodeError('missing-field', outer.start, 'hop limit is missing');
}

/** Decrements the hop limit IN PLACE and returns the same array, or 'expired' if it was 0. */
export function decrementHopLimit(bytes: Uint8Array): Uint8Array | 'expired' {
  const at = hopLimitOffset(bytes);
  const h = bytes[at]!;
  if (h === 0) return 'expired';
  bytes[at] = h - 1;
  return bytes;
}

function varNumSize(n: number): number {
  return n < 253 ? 1 : n <= 0xffff ? 3 : n <= 0xffff_ffff ? 5 : 9;
}

function nameSize(type: number, n: Name): number {
  let v = 0;
  for (const c of n.components) v += 1 + varNumSize(c.length) + c.length;
  return varNumSize(type) + varNumSize(v) + v;
}

/**
 * Bytes of a request/response around its payload, not counting the two names: version (1),
 * hop limit (3), request id, segment index, segment count and status at their widest (10 each),
 * payload TLV type (1). Message and payload lengths (1, 3 or 5 bytes each) come on top.
 */
export const DATA_FIXED_OVERHEAD = 1 + 3 + 4 * 10 + 1;

/**
 * Largest payload that keeps a request or response with these names within `mtu` bytes of
 * Ethernet payload (1500 on a standard link; the 14-byte Ethernet header is not counted).
 * Assumes the widest integer encodings, so it holds for every id, segment number and status.
 */
export function maxDataPayload(name: Name, requester: Name, mtu = 1500): number {
  const names = nameSize(T.Name, name) + nameSize(T.Requester, requester);
  const total = (p: number): number => {
    const inner = DATA_FIXED_OVERHEAD - 1 + names + varNumSize(p) + p;
    return 1 + varNumSize(MsgType.request) + varNumSize(inner) + inner;
  };
  let p = Math.max(0, mtu - total(0));
  while (p > 0 && total(p) > mtu) p--;
  return total(p) <= mtu ? p : -1;
}
