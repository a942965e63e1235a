/**
 * Every assigned DAMC TLV type number, in one place (PROTOCOL.md mirrors this table).
 *
 * Evolvability rule (NDN's): a type is CRITICAL if it is < 32 or odd, SKIPPABLE if it is even
 * and >= 32. A decoder that meets a field type it does not know skips a skippable one and
 * rejects the frame on a critical one. A new optional field that old routers may ignore must
 * therefore get an even number >= 32; one they must not ignore gets an odd number.
 */
import type { AnnouncementAction, AuthRejectReason, LsaKind, MessageType, NackReason } from './messages.js';

/** First byte of every DAMC payload. A receiver rejects other versions ('unsupported-version'). */
export const PROTOCOL_VERSION = 1;

export function isCritical(type: number): boolean {
  return type < 32 || (type & 1) === 1;
}

/** Outer TLV of a frame: one message per frame. All < 32, hence critical. */
export const MsgType = {
  hello: 0x01,
  lsa: 0x02,
  'lsa-ack': 0x03,
  'db-summary': 0x04,
  'lsa-request': 0x05,
  'prefix-announcement': 0x06,
  'auth-request': 0x07,
  'auth-response': 0x08,
  'qos-telemetry': 0x09,
  'qos-policy': 0x0a,
  'announcement-result': 0x0b,
  request: 0x10,
  response: 0x11,
  nack: 0x12,
} as const satisfies Record<MessageType, number>;

export const MsgTypeName: ReadonlyMap<number, MessageType> = new Map(
  Object.entries(MsgType).map(([k, v]) => [v, k as MessageType]),
);

/** Field types (inside a message). Kinds: name = sequence of Component TLVs, nni = NonNegativeInteger. */
export const T = {
  Name: 0x13, // name: a generic name in a list (neighbors, prefixes, policy names)
  Component: 0x14, // bytes: one name component
  HopLimit: 0x15, // 1 byte, always the first field of request/response/nack
  Router: 0x20, // name
  Interface: 0x21, // UTF-8
  HelloInterval: 0x22, // nni, ms
  DeadInterval: 0x23, // nni, ms
  LsaKind: 0x24, // nni enum
  Origin: 0x25, // name
  Seq: 0x26, // nni (64-bit)
  Lifetime: 0x27, // nni, s
  AdjacencyEntry: 0x28, // nested: Name, Cost
  PrefixEntry: 0x29, // nested: Name, Cost
  Cost: 0x2a, // nni
  Signature: 0x2b, // bytes
  LsaBody: 0x2c, // nested; the bytes an LSA signature covers
  LsaHeader: 0x2d, // nested: LsaKind, Origin, Seq
  LsaWanted: 0x2e, // nested: LsaKind, Origin
  Last: 0x2f, // bool
  Action: 0x30, // nni enum
  Pod: 0x31, // name
  PublicKey: 0x32, // bytes (32, Ed25519 raw)
  Timestamp: 0x33, // nni, ms
  AnnouncementBody: 0x34, // nested; the bytes an announcement signature covers
  RequestId: 0x35, // nni (64-bit)
  Gateway: 0x36, // name
  Accepted: 0x37, // bool
  Reason: 0x38, // nni enum (auth reject reason or nack reason, by message)
  ReasonText: 0x39, // UTF-8
  Reporter: 0x3a, // name
  Time: 0x3b, // nni, ms
  QosSample: 0x3c, // nested
  Target: 0x3d, // name
  RttUs: 0x3e, // nni
  LossPpm: 0x3f, // nni
  ErrorPpm: 0x40, // nni
  Healthy: 0x41, // bool
  SampleCount: 0x42, // nni
  Version: 0x43, // nni (64-bit)
  Expires: 0x44, // nni, ms
  PolicyEntry: 0x45, // nested: Name, Instance*, Nexthop*
  Instance: 0x46, // nested: Name, Weight
  Nexthop: 0x47, // nested: Name, Weight
  Weight: 0x48, // nni
  Requester: 0x49, // name
  SegIndex: 0x4a, // nni
  SegCount: 0x4b, // nni
  Status: 0x4c, // nni
  Payload: 0x4d, // bytes, always the last field of request/response
  // service signaling (0x56-0x65)
  Grant: 0x56, // nested: GrantBody, Signature (skippable: a router that knows no grants ignores it)
  LsaPart: 0x57, // nni, part number of a split LSA (critical; absent = part 0)
  GrantBody: 0x58, // nested: Name, Gateway, Authority, Expires; the bytes a grant signature covers
  Authority: 0x5a, // name: the SPA that signed a grant
  // 0x7a-0x7f: scheduling (class 4)
  PolicyBody: 0x7b, // nested; the bytes a policy signature covers (odd: critical, a router that cannot check it must not use it)
  // service data plane (0x66-0x75)
  Responder: 0x66, // name, in a response: the serving SG (skippable)
  Ack: 0x67, // nested: AckBelow, AckBits? (critical: an ack must never be taken for data)
  AckBelow: 0x68, // nni: every segment below this number is held
  AckBits: 0x6a, // bytes: bitmap of segments held after AckBelow (skippable)
  // routing (0x4e-0x55)
  RemainingLifetime: 0x4e, // nni, s: in an lsa message, outside the signed body (skippable: absent = the whole Lifetime)
} as const;

/** Enumerations on the wire. Unknown reason numbers decode to 'other'; unknown kinds/actions are errors. */
export const LsaKindCode = { adjacency: 1, prefix: 2 } as const satisfies Record<LsaKind, number>;
export const ActionCode = { announce: 1, refresh: 2, withdraw: 3 } as const satisfies Record<AnnouncementAction, number>;
export const AuthReasonCode = {
  other: 0,
  'bad-signature': 1,
  'not-authorized': 2,
  'prefix-conflict': 3,
  expired: 4,
  malformed: 5,
} as const satisfies Record<AuthRejectReason, number>;
export const NackReasonCode = {
  other: 0,
  'no-route': 1,
  'hop-limit': 2,
  rejected: 3,
  congestion: 4,
  unreachable: 5,
} as const satisfies Record<NackReason, number>;

export function invert<K extends string>(m: Record<K, number>): ReadonlyMap<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
}
