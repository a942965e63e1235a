/**
 * Bytes → Message. Throws only DecodeError. Fields may come in any order; a known field that
 * appears twice where one is expected is 'duplicate-field', a required one that is absent is
 * 'missing-field'. Unknown skippable fields are skipped, unknown critical ones rejected.
 * Everything returned is copied out of the input, so the caller may reuse its buffer.
 */
import type {
  AuthRejectReason,
  AuthResponse,
  Grant,
  Lsa,
  LsaHeader,
  LsaKind,
  Message,
  NackReason,
  PrefixAnnouncement,
  QosPolicy,
  QosSample,
  SegmentAck,
} from './messages.js';
import type { Name } from './name.js';
import { DecodeError, TlvReader } from './tlv-decoder.js';
import { preserveBody } from './preserved.js';
import { MsgType, MsgTypeName, PROTOCOL_VERSION, T } from './types.js';
import {
  announcement,
  authReasons,
  enumOf,
  grant,
  hopLimit,
  lsaBody,
  lsaHeader,
  nackReasons,
  name,
  need,
  policyBody,
  qosSample,
  set,
} from './decode-parts.js';

export type DecodeResult = { ok: true; message: Message } | { ok: false; error: DecodeError };

export function decode(input: Uint8Array): Message {
  // A Node Buffer's slice() is a view, not a copy: look at the bytes through a plain Uint8Array
  // so every value copied out below is a plain, independent Uint8Array.
  const bytes = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw new DecodeError('truncated', 0, 'empty payload');
  if (bytes[0] !== PROTOCOL_VERSION) {
    throw new DecodeError('unsupported-version', 0, `version ${bytes[0]}, this decoder speaks ${PROTOCOL_VERSION}`);
  }
  const r = new TlvReader(bytes, 1, bytes.length);
  if (!r.next()) throw new DecodeError('truncated', 1, 'no message after the version byte');
  // Ethernet pads short frames with zeros; a TLV type is never 0, so zeros after the message are padding.
  for (let i = r.vEnd; i < bytes.length; i++) {
    if (bytes[i] !== 0) throw new DecodeError('trailing-bytes', r.vEnd, `${bytes.length - r.vEnd} bytes after the message`);
  }
  return decodeMessage(r);
}

export function tryDecode(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, message: decode(bytes) };
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, error: e };
    // decode() is meant to throw nothing else; if it ever does, still hand back a typed error.
    return { ok: false, error: new DecodeError('bad-value', 0, `internal: ${String(e)}`) };
  }
}

/** Decodes the message TLV the reader is on. */
function decodeMessage(outer: TlvReader): Message {
  const type = MsgTypeName.get(outer.type);
  if (type === undefined) {
    throw new DecodeError('unknown-message-type', outer.start, `message type ${outer.type} is not one this decoder knows`);
  }
  const r = outer.child();
  switch (type) {
    case 'hello': {
      let router: Name | undefined, iface: string | undefined, hi: number | undefined, dead: number | undefined;
      const neighbors: Name[] = [];
      while (r.next()) {
        switch (r.type) {
          case T.Router: router = set(r, router, name(r)); break;
          case T.Interface: iface = set(r, iface, r.text()); break;
          case T.HelloInterval: hi = set(r, hi, r.nni()); break;
          case T.DeadInterval: dead = set(r, dead, r.nni()); break;
          case T.Name: neighbors.push(name(r)); break;
          default: r.unknown('hello');
        }
      }
      return {
        type,
        router: need(router, outer, 'hello router'),
        iface: need(iface, outer, 'hello interface'),
        helloIntervalMs: need(hi, outer, 'hello interval'),
        deadIntervalMs: need(dead, outer, 'dead interval'),
        neighbors,
      };
    }
    case 'lsa': {
      let lsa: Omit<Lsa, 'signature'> | undefined, sig: Uint8Array | undefined, body: Uint8Array | undefined;
      let remainingS: number | undefined;
      while (r.next()) {
        switch (r.type) {
          case T.LsaBody:
            lsa = set(r, lsa, lsaBody(r)[0]);
            // The signature is checked against these bytes, never a re-encoding: another
            // implementation may write other integer widths or another field order.
            body = r.buf.slice(r.start, r.vEnd);
            break;
          case T.Signature: sig = set(r, sig, r.copy()); break;
          case T.RemainingLifetime: remainingS = set(r, remainingS, r.nni()); break;
          default: r.unknown('lsa');
        }
      }
      const full = { ...need(lsa, outer, 'LSA body'), signature: need(sig, outer, 'LSA signature') } as Lsa;
      preserveBody(full, body!);
      return remainingS === undefined ? { type, lsa: full } : { type, lsa: full, remainingS };
    }
    case 'lsa-ack':
    case 'db-summary': {
      const headers: LsaHeader[] = [];
      let last: boolean | undefined;
      while (r.next()) {
        if (r.type === T.LsaHeader) headers.push(lsaHeader(r, true));
        else if (r.type === T.Last && type === 'db-summary') last = set(r, last, r.bool());
        else r.unknown(type);
      }
      if (type === 'lsa-ack') return { type, acks: headers };
      return { type, headers, last: need(last, outer, 'db-summary last flag') };
    }
    case 'lsa-request': {
      const wanted: { kind: LsaKind; origin: Name; part?: number }[] = [];
      while (r.next()) {
        if (r.type === T.LsaWanted) {
          const h = lsaHeader(r, false);
          wanted.push(h.part ? { kind: h.kind, origin: h.origin, part: h.part } : { kind: h.kind, origin: h.origin });
        } else r.unknown(type);
      }
      return { type, wanted };
    }
    case 'prefix-announcement':
      return announcement(outer, r);
    case 'auth-request': {
      let id: bigint | undefined, gw: Name | undefined, ann: PrefixAnnouncement | undefined;
      while (r.next()) {
        switch (r.type) {
          case T.RequestId: id = set(r, id, r.bigNni()); break;
          case T.Gateway: gw = set(r, gw, name(r)); break;
          case MsgType['prefix-announcement']: ann = set(r, ann, announcement(r, r.child())); break;
          default: r.unknown(type);
        }
      }
      return {
        type,
        requestId: need(id, outer, 'request id'),
        gateway: need(gw, outer, 'gateway'),
        announcement: need(ann, outer, 'announcement'),
      };
    }
    case 'auth-response': {
      let id: bigint | undefined, acc: boolean | undefined, reason: AuthRejectReason | undefined, text: string | undefined;
      const prefixes: Name[] = [];
      const grants: Grant[] = [];
      while (r.next()) {
        switch (r.type) {
          case T.RequestId: id = set(r, id, r.bigNni()); break;
          case T.Accepted: acc = set(r, acc, r.bool()); break;
          case T.Reason: reason = set(r, reason, enumOf(r, authReasons, 'reject reason', 'other')); break;
          case T.ReasonText: text = set(r, text, r.text()); break;
          case T.Name: prefixes.push(name(r)); break;
          case T.Grant: grants.push(grant(r)); break;
          default: r.unknown(type);
        }
      }
      const m: { -readonly [K in keyof AuthResponse]: AuthResponse[K] } = {
        type,
        requestId: need(id, outer, 'request id'),
        accepted: need(acc, outer, 'accepted flag'),
        prefixes,
      };
      if (reason !== undefined) m.reason = reason;
      if (text !== undefined) m.reasonText = text;
      if (grants.length > 0) m.grants = grants;
      return m;
    }
    case 'announcement-result': {
      let pod: Name | undefined, acc: boolean | undefined, reason: AuthRejectReason | undefined, text: string | undefined;
      const prefixes: Name[] = [];
      while (r.next()) {
        switch (r.type) {
          case T.Pod: pod = set(r, pod, name(r)); break;
          case T.Accepted: acc = set(r, acc, r.bool()); break;
          case T.Reason: reason = set(r, reason, enumOf(r, authReasons, 'reject reason', 'other')); break;
          case T.ReasonText: text = set(r, text, r.text()); break;
          case T.Name: prefixes.push(name(r)); break;
          default: r.unknown(type);
        }
      }
      return {
        type, pod: need(pod, outer, 'pod'), accepted: need(acc, outer, 'accepted flag'),
        ...(reason !== undefined ? { reason } : {}), ...(text !== undefined ? { reasonText: text } : {}), prefixes,
      };
    }
    case 'qos-telemetry': {
      let reporter: Name | undefined, time: number | undefined;
      const entries: QosSample[] = [];
      while (r.next()) {
        switch (r.type) {
          case T.Reporter: reporter = set(r, reporter, name(r)); break;
          case T.Time: time = set(r, time, r.nni()); break;
          case T.QosSample: entries.push(qosSample(r)); break;
          default: r.unknown(type);
        }
      }
      return { type, reporter: need(reporter, outer, 'reporter'), time: need(time, outer, 'time'), entries };
    }
    case 'qos-policy': {
      let body: Omit<QosPolicy, 'signature'> | undefined, sig: Uint8Array | undefined, kept: Uint8Array | undefined;
      while (r.next()) {
        switch (r.type) {
          case T.PolicyBody: {
            const [p, skipped] = policyBody(r);
            body = set(r, body, p);
            if (skipped) kept = r.buf.slice(r.start, r.vEnd);
            break;
          }
          case T.Signature: sig = set(r, sig, r.copy()); break;
          default: r.unknown(type);
        }
      }
      const full: QosPolicy = { ...need(body, outer, 'policy body'), signature: need(sig, outer, 'policy signature') };
      if (kept) preserveBody(full, kept);
      return full;
    }
    case 'request':
    case 'response':
    case 'nack':
      return data(type, outer, r);
  }
  throw new DecodeError('unknown-message-type', outer.start, `message type ${outer.type}`);
}

function segmentAck(outer: TlvReader): SegmentAck {
  const r = outer.child();
  let below: number | undefined, bits: Uint8Array | undefined;
  while (r.next()) {
    switch (r.type) {
      case T.AckBelow: below = set(r, below, r.nni()); break;
      case T.AckBits: bits = set(r, bits, r.copy()); break;
      default: r.unknown('an ack');
    }
  }
  return { below: need(below, outer, 'ack below'), bits: bits ?? new Uint8Array() };
}

function data(type: 'request' | 'response' | 'nack', outer: TlvReader, r: TlvReader): Message {
  let hop: number | undefined, nm: Name | undefined, req: Name | undefined, id: bigint | undefined;
  let si: number | undefined, sc: number | undefined, status: number | undefined, payload: Uint8Array | undefined;
  let reason: NackReason | undefined, reporter: Name | undefined;
  let responder: Name | undefined, ack: SegmentAck | undefined;
  const isNack = type === 'nack';
  while (r.next()) {
    switch (r.type) {
      case T.HopLimit: hop = set(r, hop, hopLimit(r)); break;
      case T.Name: nm = set(r, nm, name(r)); break;
      case T.Requester: req = set(r, req, name(r)); break;
      case T.RequestId: id = set(r, id, r.bigNni()); break;
      case T.SegIndex: if (isNack) r.unknown(type); else si = set(r, si, r.nni()); break;
      case T.SegCount: if (isNack) r.unknown(type); else sc = set(r, sc, r.nni()); break;
      case T.Status: if (type !== 'response') r.unknown(type); else status = set(r, status, r.nni()); break;
      case T.Payload: if (isNack) r.unknown(type); else payload = set(r, payload, r.copy()); break;
      case T.Reason: if (!isNack) r.unknown(type); else reason = set(r, reason, enumOf(r, nackReasons, 'nack reason', 'other')); break;
      case T.Reporter: if (!isNack) r.unknown(type); else reporter = set(r, reporter, name(r)); break;
      case T.Responder: if (type !== 'response') r.unknown(type); else responder = set(r, responder, name(r)); break;
      case T.Ack: if (isNack) r.unknown(type); else ack = set(r, ack, segmentAck(r)); break;
      default: r.unknown(type);
    }
  }
  const common = {
    name: need(nm, outer, 'name'),
    requester: need(req, outer, 'requester'),
    requestId: need(id, outer, 'request id'),
  };
  const hopLimitV = need(hop, outer, 'hop limit');
  if (isNack) {
    return { type, ...common, reason: need(reason, outer, 'nack reason'), hopLimit: hopLimitV, reporter: need(reporter, outer, 'reporter') };
  }
  const rest = {
    hopLimit: hopLimitV,
    segIndex: need(si, outer, 'segment index'),
    segCount: need(sc, outer, 'segment count'),
    payload: need(payload, outer, 'payload'),
    ...(responder ? { responder } : {}),
    ...(ack ? { ack } : {}),
  };
  if (type === 'request') return { type, ...common, ...rest };
  return { type, ...common, ...rest, status: need(status, outer, 'status') };
}
