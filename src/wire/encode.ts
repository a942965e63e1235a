/**
 * Message → bytes. The encoder prepends, so every function writes its fields LAST FIRST;
 * read them bottom-up to see the wire order (which PROTOCOL.md lists top-down).
 * Invalid values (negative or fractional numbers, hop limit > 255, lone surrogates) throw
 * RangeError: that is a bug in the caller, not malformed input.
 */
import type {
  AnnouncementAction,
  AuthRejectReason,
  Grant,
  LsaHeader,
  LsaKind,
  Message,
  NackReason,
  PrefixAnnouncement,
  PrefixEntry,
  WeightedName,
} from './messages.js';
import type { Name } from './name.js';
import { TlvEncoder } from './tlv-encoder.js';
import {
  ActionCode,
  AuthReasonCode,
  LsaKindCode,
  MsgType,
  NackReasonCode,
  PROTOCOL_VERSION,
  T,
} from './types.js';
import { preservedBody, type UnsignedAnnouncement, type UnsignedGrant, type UnsignedLsa, type UnsignedPolicy } from './preserved.js';

let scratch = new TlvEncoder();

/** Runs `write` on the shared scratch encoder and returns a copy of what it wrote. */
export function withEncoder(write: (e: TlvEncoder) => void): Uint8Array {
  const e = scratch;
  e.reset();
  try {
    write(e);
    return e.output();
  } finally {
    // Keep one big encoding from pinning a big buffer forever.
    if (e.size > 256 * 1024) scratch = new TlvEncoder();
    e.reset();
  }
}

/** The DAMC payload of one Ethernet frame (what follows the 14-byte Ethernet header). */
export function encode(m: Message): Uint8Array {
  return withEncoder((e) => {
    encodeMessage(e, m);
    e.byte(PROTOCOL_VERSION);
  });
}

export function encodeName(e: TlvEncoder, type: number, n: Name): void {
  const m = e.size;
  const cs = n.components;
  for (let i = cs.length - 1; i >= 0; i--) e.bytesTlv(T.Component, cs[i]!);
  e.close(type, m);
}

function names(e: TlvEncoder, ns: readonly Name[]): void {
  for (let i = ns.length - 1; i >= 0; i--) encodeName(e, T.Name, ns[i]!);
}

function kind(e: TlvEncoder, k: LsaKind): void {
  const code = LsaKindCode[k];
  if (code === undefined) throw new RangeError(`unknown LSA kind "${String(k)}"`);
  e.nniTlv(T.LsaKind, code, 'LSA kind');
}

/** Part 0 is written as no part at all, so an LSA that was never split encodes as before. */
function part(e: TlvEncoder, p: number | undefined): void {
  if (p !== undefined && p !== 0) e.nniTlv(T.LsaPart, p, 'LSA part');
}

function header(e: TlvEncoder, type: number, h: LsaHeader, withSeq: boolean): void {
  const m = e.size;
  part(e, h.part);
  if (withSeq) e.nniTlv(T.Seq, h.seq, 'LSA seq');
  encodeName(e, T.Origin, h.origin);
  kind(e, h.kind);
  e.close(type, m);
}

function weighted(e: TlvEncoder, type: number, ws: readonly WeightedName[]): void {
  for (let i = ws.length - 1; i >= 0; i--) {
    const m = e.size;
    e.nniTlv(T.Weight, ws[i]!.weight, 'weight');
    encodeName(e, T.Name, ws[i]!.name);
    e.close(type, m);
  }
}

function hopLimit(e: TlvEncoder, h: number): void {
  if (!Number.isInteger(h) || h < 0 || h > 255) throw new RangeError(`hop limit ${h} is outside 0..255`);
  e.byte(h);
  e.byte(1);
  e.byte(T.HopLimit);
}

export function encodeLsaBody(e: TlvEncoder, lsa: UnsignedLsa): void {
  const kept = preservedBody(lsa);
  if (kept) return e.bytes(kept);
  const m = e.size;
  if (lsa.kind === 'adjacency') {
    for (let i = lsa.neighbors.length - 1; i >= 0; i--) {
      const n = e.size;
      e.nniTlv(T.Cost, lsa.neighbors[i]!.cost, 'cost');
      encodeName(e, T.Name, lsa.neighbors[i]!.neighbor);
      e.close(T.AdjacencyEntry, n);
    }
  } else {
    for (let i = lsa.prefixes.length - 1; i >= 0; i--) prefixEntry(e, lsa.prefixes[i]!);
  }
  part(e, lsa.part);
  e.nniTlv(T.Lifetime, lsa.lifetimeS, 'LSA lifetime');
  e.nniTlv(T.Seq, lsa.seq, 'LSA seq');
  encodeName(e, T.Origin, lsa.origin);
  kind(e, lsa.kind);
  e.close(T.LsaBody, m);
}

export function encodeAnnouncementBody(e: TlvEncoder, a: UnsignedAnnouncement): void {
  const kept = preservedBody(a);
  if (kept) return e.bytes(kept);
  const m = e.size;
  e.nniTlv(T.Timestamp, a.timestamp, 'timestamp');
  e.bytesTlv(T.PublicKey, a.publicKey);
  names(e, a.prefixes);
  encodeName(e, T.Pod, a.pod);
  const code = ActionCode[a.action as AnnouncementAction];
  if (code === undefined) throw new RangeError(`unknown announcement action "${String(a.action)}"`);
  e.nniTlv(T.Action, code, 'action');
  e.close(T.AnnouncementBody, m);
}

export function encodePolicyBody(e: TlvEncoder, p: UnsignedPolicy): void {
  const kept = preservedBody(p);
  if (kept) return e.bytes(kept);
  const m = e.size;
  for (let i = p.entries.length - 1; i >= 0; i--) {
    const x = p.entries[i]!;
    const n = e.size;
    weighted(e, T.Nexthop, x.nexthops);
    weighted(e, T.Instance, x.instances);
    encodeName(e, T.Name, x.prefix);
    e.close(T.PolicyEntry, n);
  }
  e.nniTlv(T.Expires, p.expires, 'expires');
  e.nniTlv(T.Version, p.version, 'policy version');
  encodeName(e, T.Origin, p.origin);
  e.close(T.PolicyBody, m);
}

function prefixEntry(e: TlvEncoder, p: PrefixEntry): void {
  const n = e.size;
  if (p.grant) grant(e, p.grant);
  e.nniTlv(T.Cost, p.cost, 'cost');
  encodeName(e, T.Name, p.prefix);
  e.close(T.PrefixEntry, n);
}

/** Encoded size of one prefix entry (what an origin adds up to split its prefix LSA into parts that fit a frame). */
export function prefixEntrySize(p: PrefixEntry): number {
  return withEncoder((e) => prefixEntry(e, p)).length;
}

export function encodeGrantBody(e: TlvEncoder, g: UnsignedGrant): void {
  const kept = preservedBody(g);
  if (kept) return e.bytes(kept);
  const m = e.size;
  e.nniTlv(T.Expires, g.expires, 'grant expiry');
  encodeName(e, T.Authority, g.authority);
  encodeName(e, T.Gateway, g.gateway);
  encodeName(e, T.Name, g.prefix);
  e.close(T.GrantBody, m);
}

function grant(e: TlvEncoder, g: Grant): void {
  const m = e.size;
  e.bytesTlv(T.Signature, g.signature);
  encodeGrantBody(e, g);
  e.close(T.Grant, m);
}

function announcement(e: TlvEncoder, a: PrefixAnnouncement): void {
  const m = e.size;
  e.bytesTlv(T.Signature, a.signature);
  encodeAnnouncementBody(e, a);
  e.close(MsgType['prefix-announcement'], m);
}

function reasonCode<K extends string>(table: Record<K, number>, r: K): number {
  const code = table[r];
  if (code === undefined) throw new RangeError(`unknown reason "${String(r)}"`);
  return code;
}

function encodeMessage(e: TlvEncoder, msg: Message): void {
  if (msg.type === 'prefix-announcement') return announcement(e, msg);
  const m = e.size;
  switch (msg.type) {
    case 'hello':
      names(e, msg.neighbors);
      e.nniTlv(T.DeadInterval, msg.deadIntervalMs, 'dead interval');
      e.nniTlv(T.HelloInterval, msg.helloIntervalMs, 'hello interval');
      e.textTlv(T.Interface, msg.iface, 'interface name');
      encodeName(e, T.Router, msg.router);
      break;
    case 'lsa':
      if (msg.remainingS !== undefined) e.nniTlv(T.RemainingLifetime, msg.remainingS, 'remaining lifetime');
      e.bytesTlv(T.Signature, msg.lsa.signature);
      encodeLsaBody(e, msg.lsa);
      break;
    case 'lsa-ack':
      for (let i = msg.acks.length - 1; i >= 0; i--) header(e, T.LsaHeader, msg.acks[i]!, true);
      break;
    case 'db-summary':
      e.boolTlv(T.Last, msg.last);
      for (let i = msg.headers.length - 1; i >= 0; i--) header(e, T.LsaHeader, msg.headers[i]!, true);
      break;
    case 'lsa-request':
      for (let i = msg.wanted.length - 1; i >= 0; i--) header(e, T.LsaWanted, { ...msg.wanted[i]!, seq: 0n }, false);
      break;
    case 'auth-request':
      announcement(e, msg.announcement);
      encodeName(e, T.Gateway, msg.gateway);
      e.nniTlv(T.RequestId, msg.requestId, 'request id');
      break;
    case 'auth-response':
      for (let i = (msg.grants?.length ?? 0) - 1; i >= 0; i--) grant(e, msg.grants![i]!);
      names(e, msg.prefixes);
      if (msg.reasonText !== undefined) e.textTlv(T.ReasonText, msg.reasonText, 'reason text');
      if (msg.reason !== undefined) e.nniTlv(T.Reason, reasonCode<AuthRejectReason>(AuthReasonCode, msg.reason), 'reason');
      e.boolTlv(T.Accepted, msg.accepted);
      e.nniTlv(T.RequestId, msg.requestId, 'request id');
      break;
    case 'announcement-result':
      names(e, msg.prefixes);
      if (msg.reasonText !== undefined) e.textTlv(T.ReasonText, msg.reasonText, 'reason text');
      if (msg.reason !== undefined) e.nniTlv(T.Reason, reasonCode<AuthRejectReason>(AuthReasonCode, msg.reason), 'reason');
      e.boolTlv(T.Accepted, msg.accepted);
      encodeName(e, T.Pod, msg.pod);
      break;
    case 'qos-telemetry':
      for (let i = msg.entries.length - 1; i >= 0; i--) {
        const s = msg.entries[i]!;
        const n = e.size;
        e.nniTlv(T.Time, s.time, 'sample time');
        e.nniTlv(T.SampleCount, s.samples, 'sample count');
        e.boolTlv(T.Healthy, s.healthy);
        e.nniTlv(T.ErrorPpm, s.errorPpm, 'error ppm');
        e.nniTlv(T.LossPpm, s.lossPpm, 'loss ppm');
        e.nniTlv(T.RttUs, s.rttUs, 'rtt');
        encodeName(e, T.Target, s.target);
        e.close(T.QosSample, n);
      }
      e.nniTlv(T.Time, msg.time, 'time');
      encodeName(e, T.Reporter, msg.reporter);
      break;
    case 'qos-policy':
      e.bytesTlv(T.Signature, msg.signature);
      encodePolicyBody(e, msg);
      break;
    case 'request':
    case 'response':
      e.bytesTlv(T.Payload, msg.payload);
      if (msg.ack) {
        const n = e.size;
        if (msg.ack.bits.length > 0) e.bytesTlv(T.AckBits, msg.ack.bits);
        e.nniTlv(T.AckBelow, msg.ack.below, 'ack below');
        e.close(T.Ack, n);
      }
      if (msg.responder) encodeName(e, T.Responder, msg.responder);
      if (msg.type === 'response') e.nniTlv(T.Status, msg.status, 'status');
      e.nniTlv(T.SegCount, msg.segCount, 'segment count');
      e.nniTlv(T.SegIndex, msg.segIndex, 'segment index');
      e.nniTlv(T.RequestId, msg.requestId, 'request id');
      encodeName(e, T.Requester, msg.requester);
      encodeName(e, T.Name, msg.name);
      hopLimit(e, msg.hopLimit);
      break;
    case 'nack':
      encodeName(e, T.Reporter, msg.reporter);
      e.nniTlv(T.Reason, reasonCode<NackReason>(NackReasonCode, msg.reason), 'reason');
      e.nniTlv(T.RequestId, msg.requestId, 'request id');
      encodeName(e, T.Requester, msg.requester);
      encodeName(e, T.Name, msg.name);
      hopLimit(e, msg.hopLimit);
      break;
    default: {
      const never: never = msg;
      throw new RangeError(`unknown message type "${(never as { type: string }).type}"`);
    }
  }
  e.close(MsgType[msg.type], m);
}
