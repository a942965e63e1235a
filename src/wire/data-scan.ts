/**
 * Where a router's forwarding fields lie in an encoded request, response or nack, found in one
 * pass with no allocation, so a router can forward the received bytes (hop limit decremented in
 * place, see hop-limit.ts) instead of decoding and re-encoding them.
 *
 * It vouches only for frames the full decoder surely accepts: every field known for the message
 * type, none twice, all required ones present, integers of 1, 2 or 4 bytes (8 for the request
 * id), names made only of components, nothing but zero padding after the message. The
 * transport's optional fields are known too (a response's Responder, the Ack of a request or
 * response: AckBelow once, AckBits at most once, nothing else), so its acks and answers are
 * forwarded from the bytes like requests. Anything else
 * (an unknown skippable extension included) gets undefined, and the caller hands the frame to the
 * full decoder, which decides. test/wire/data-scan.test.ts checks that agreement.
 */
import { MsgType, PROTOCOL_VERSION, T } from './types.js';

export interface DataScan {
  /** MsgType.request, .response or .nack. */
  readonly type: number;
  /** Offset of the hop-limit byte. */
  readonly hopAt: number;
  /** End of the message TLV (Ethernet padding after it is not part of it). */
  readonly end: number;
  /** Value range of the name the packet is routed by: Name for requests, Requester otherwise. */
  readonly routedStart: number;
  readonly routedEnd: number;
}

// Bits for the duplicate and required checks.
const HOP = 1, NAME = 2, REQUESTER = 4, ID = 8, SEG_INDEX = 16, SEG_COUNT = 32, STATUS = 64, PAYLOAD = 128, REASON = 256, REPORTER = 512;
const RESPONDER = 1024, ACK = 2048;
const COMMON = HOP | NAME | REQUESTER | ID;
const REQUIRED: Readonly<Record<number, number>> = {
  [MsgType.request]: COMMON | SEG_INDEX | SEG_COUNT | PAYLOAD,
  [MsgType.response]: COMMON | SEG_INDEX | SEG_COUNT | PAYLOAD | STATUS,
  [MsgType.nack]: COMMON | REASON | REPORTER,
};
/** Fields the type may carry beyond the required ones. */
const OPTIONAL: Readonly<Record<number, number>> = {
  [MsgType.request]: ACK,
  [MsgType.response]: ACK | RESPONDER,
  [MsgType.nack]: 0,
};

/** Reads one VAR-NUMBER at `p` (bounded by `end`) into rd; false if cut short or 9 bytes wide. */
const rd = { v: 0, p: 0 };
function varNum(b: Uint8Array, p: number, end: number): boolean {
  if (p >= end) return false;
  const first = b[p]!;
  if (first < 253) {
    rd.v = first;
    rd.p = p + 1;
    return true;
  }
  if (first === 255) return false;
  const n = first === 253 ? 2 : 4;
  if (p + 1 + n > end) return false;
  rd.v = n === 2 ? (b[p + 1]! << 8) | b[p + 2]! : ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0;
  rd.p = p + 1 + n;
  return true;
}

/** True when [p, end) is a sequence of Component TLVs and nothing else. */
function componentsOnly(b: Uint8Array, p: number, end: number): boolean {
  while (p < end) {
    // The 1-byte form of the type only (nameAt in routing/fast-forward.ts relies on it).
    if (b[p] !== T.Component) return false;
    if (!varNum(b, p + 1, end) || rd.v > end - rd.p) return false;
    p = rd.p + rd.v;
  }
  return true;
}

/** True when [p, end) is an ack's content: AckBelow (1, 2 or 4 bytes) once, AckBits at most once. */
function ackOnly(b: Uint8Array, p: number, end: number): boolean {
  let below = false, bits = false;
  while (p < end) {
    if (!varNum(b, p, end)) return false;
    const t = rd.v;
    if (!varNum(b, rd.p, end) || rd.v > end - rd.p) return false;
    const len = rd.v;
    if (t === T.AckBelow) {
      if (below || (len !== 1 && len !== 2 && len !== 4)) return false;
      below = true;
    } else if (t === T.AckBits) {
      if (bits) return false;
      bits = true;
    } else return false;
    p = rd.p + len;
  }
  return below;
}

export function scanData(b: Uint8Array): DataScan | undefined {
  if (b.length < 2 || b[0] !== PROTOCOL_VERSION) return undefined;
  const type = b[1]!;
  const required = REQUIRED[type];
  if (required === undefined) return undefined;
  const allowed = required | OPTIONAL[type]!;
  if (!varNum(b, 2, b.length) || rd.v > b.length - rd.p) return undefined;
  let p = rd.p;
  const end = p + rd.v;
  for (let i = end; i < b.length; i++) if (b[i] !== 0) return undefined;
  let seen = 0, hopAt = -1, nameS = 0, nameE = 0, reqS = 0, reqE = 0;
  while (p < end) {
    if (!varNum(b, p, end)) return undefined;
    const t = rd.v;
    if (!varNum(b, rd.p, end)) return undefined;
    const len = rd.v;
    const vs = rd.p;
    if (len > end - vs) return undefined;
    const ve = vs + len;
    let bit: number;
    switch (t) {
      case T.HopLimit: bit = HOP; if (len !== 1) return undefined; hopAt = vs; break;
      case T.Name: bit = NAME; if (!componentsOnly(b, vs, ve)) return undefined; nameS = vs; nameE = ve; break;
      case T.Requester: bit = REQUESTER; if (!componentsOnly(b, vs, ve)) return undefined; reqS = vs; reqE = ve; break;
      case T.Reporter: bit = REPORTER; if (!componentsOnly(b, vs, ve)) return undefined; break;
      case T.RequestId: bit = ID; if (len !== 1 && len !== 2 && len !== 4 && len !== 8) return undefined; break;
      case T.SegIndex: bit = SEG_INDEX; break;
      case T.SegCount: bit = SEG_COUNT; break;
      case T.Status: bit = STATUS; break;
      case T.Reason: bit = REASON; break;
      case T.Payload: bit = PAYLOAD; break;
      case T.Responder: bit = RESPONDER; if (!componentsOnly(b, vs, ve)) return undefined; break;
      case T.Ack: bit = ACK; if (!ackOnly(b, vs, ve)) return undefined; break;
      default: return undefined;
    }
    if ((bit & allowed) === 0 || (seen & bit) !== 0) return undefined;
    if ((bit & (SEG_INDEX | SEG_COUNT | STATUS | REASON)) !== 0 && len !== 1 && len !== 2 && len !== 4) return undefined;
    seen |= bit;
    p = ve;
  }
  if ((seen & required) !== required) return undefined;
  const byName = type === MsgType.request;
  return { type, hopAt, end, routedStart: byName ? nameS : reqS, routedEnd: byName ? nameE : reqE };
}
