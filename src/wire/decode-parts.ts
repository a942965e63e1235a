/**
 * Decoding of the parts messages are made of: names, enumerations, LSA bodies and headers,
 * announcements, QoS samples and policy entries. Each takes a reader positioned on the
 * part's TLV and applies decode.ts's rules (any order, duplicates and gaps are errors).
 */
import type {
  AdjacencyEntry,
  AnnouncementAction,
  AuthRejectReason,
  Grant,
  LsaHeader,
  LsaKind,
  Lsa,
  NackReason,
  PolicyEntry,
  PrefixAnnouncement,
  PrefixEntry,
  QosPolicy,
  QosSample,
  WeightedName,
} from './messages.js';
import { Name } from './name.js';
import { DecodeError, TlvReader } from './tlv-decoder.js';
import { preserveBody } from './preserved.js';
import { ActionCode, AuthReasonCode, invert, LsaKindCode, NackReasonCode, T } from './types.js';

export const lsaKinds = invert<LsaKind>(LsaKindCode);
const actions = invert<AnnouncementAction>(ActionCode);
export const authReasons = invert<AuthRejectReason>(AuthReasonCode);
export const nackReasons = invert<NackReason>(NackReasonCode);

export function set<V>(r: TlvReader, old: V | undefined, v: V): V {
  if (old !== undefined) throw new DecodeError('duplicate-field', r.start, `TLV type ${r.type} appears twice`);
  return v;
}

export function need<V>(v: V | undefined, r: TlvReader, what: string): V {
  if (v === undefined) throw new DecodeError('missing-field', r.start, `${what} is missing`);
  return v;
}

export function name(r: TlvReader): Name {
  const c = r.child();
  const comps: Uint8Array[] = [];
  while (c.next()) {
    if (c.type === T.Component) comps.push(c.copy());
    else c.unknown('a name');
  }
  return new Name(comps);
}

export function enumOf<K>(r: TlvReader, table: ReadonlyMap<number, K>, what: string, fallback?: K): K {
  const code = r.nni();
  const v = table.get(code) ?? fallback;
  if (v === undefined) throw new DecodeError('bad-value', r.start, `unknown ${what} ${code}`);
  return v;
}

export function hopLimit(r: TlvReader): number {
  if (r.length !== 1) throw new DecodeError('bad-length', r.start, 'hop limit must be 1 byte');
  return r.buf[r.vStart]!;
}

/** Decodes the message TLV the reader is on (used for the frame and for a nested announcement). */
export function lsaHeader(outer: TlvReader, withSeq: boolean): LsaHeader {
  const r = outer.child();
  let kind: LsaKind | undefined, origin: Name | undefined, seq: bigint | undefined, part: number | undefined;
  while (r.next()) {
    switch (r.type) {
      case T.LsaKind: kind = set(r, kind, enumOf(r, lsaKinds, 'LSA kind')); break;
      case T.Origin: origin = set(r, origin, name(r)); break;
      case T.Seq: if (withSeq) seq = set(r, seq, r.bigNni()); else r.unknown('an LSA request'); break;
      case T.LsaPart: part = set(r, part, r.nni()); break;
      default: r.unknown('an LSA header');
    }
  }
  const h = { kind: need(kind, outer, 'LSA kind'), origin: need(origin, outer, 'LSA origin'), seq: withSeq ? need(seq, outer, 'LSA seq') : 0n };
  return part ? { ...h, part } : h;
}

/** Returns the unsigned LSA and whether an unknown skippable field was skipped. */
export function lsaBody(outer: TlvReader): [Omit<Lsa, 'signature'>, boolean] {
  const r = outer.child();
  let kind: LsaKind | undefined, origin: Name | undefined, seq: bigint | undefined, life: number | undefined;
  let part: number | undefined;
  const adj: AdjacencyEntry[] = [];
  const pfx: PrefixEntry[] = [];
  const skips = TlvReader.skips;
  while (r.next()) {
    switch (r.type) {
      case T.LsaKind: kind = set(r, kind, enumOf(r, lsaKinds, 'LSA kind')); break;
      case T.Origin: origin = set(r, origin, name(r)); break;
      case T.Seq: seq = set(r, seq, r.bigNni()); break;
      case T.Lifetime: life = set(r, life, r.nni()); break;
      case T.LsaPart: part = set(r, part, r.nni()); break;
      case T.AdjacencyEntry: {
        const [n, cost] = nameCost(r);
        adj.push({ neighbor: n, cost });
        break;
      }
      case T.PrefixEntry: pfx.push(prefixEntry(r)); break;
      default:
        r.unknown('an LSA body');
    }
  }
  const k = need(kind, outer, 'LSA kind');
  if ((k === 'adjacency' && pfx.length > 0) || (k === 'prefix' && adj.length > 0)) {
    throw new DecodeError('bad-value', outer.start, `${k} LSA carries entries of the other kind`);
  }
  const base = {
    kind: k, origin: need(origin, outer, 'LSA origin'), seq: need(seq, outer, 'LSA seq'), lifetimeS: need(life, outer, 'LSA lifetime'),
    ...(part ? { part } : {}),
  };
  const lsa = k === 'adjacency' ? { ...base, kind: k, neighbors: adj } : { ...base, kind: k, prefixes: pfx };
  return [lsa, TlvReader.skips !== skips];
}

function prefixEntry(outer: TlvReader): PrefixEntry {
  const r = outer.child();
  let n: Name | undefined, cost: number | undefined, g: Grant | undefined;
  while (r.next()) {
    if (r.type === T.Name) n = set(r, n, name(r));
    else if (r.type === T.Cost) cost = set(r, cost, r.nni());
    else if (r.type === T.Grant) g = set(r, g, grant(r));
    else r.unknown('an LSA entry');
  }
  const e = { prefix: need(n, outer, 'entry name'), cost: need(cost, outer, 'entry cost') };
  return g ? { ...e, grant: g } : e;
}

/** A Grant TLV: GrantBody { Name, Gateway, Authority, Expires }, Signature. */
export function grant(outer: TlvReader): Grant {
  const r = outer.child();
  let body: Omit<Grant, 'signature'> | undefined, sig: Uint8Array | undefined, kept: Uint8Array | undefined;
  while (r.next()) {
    if (r.type === T.GrantBody) {
      const b = r.child();
      let prefix: Name | undefined, gw: Name | undefined, auth: Name | undefined, exp: number | undefined;
      const skips = TlvReader.skips;
      while (b.next()) {
        switch (b.type) {
          case T.Name: prefix = set(b, prefix, name(b)); break;
          case T.Gateway: gw = set(b, gw, name(b)); break;
          case T.Authority: auth = set(b, auth, name(b)); break;
          case T.Expires: exp = set(b, exp, b.nni()); break;
          default: b.unknown('a grant body');
        }
      }
      body = set(r, body, {
        prefix: need(prefix, r, 'grant prefix'),
        gateway: need(gw, r, 'grant gateway'),
        authority: need(auth, r, 'grant authority'),
        expires: need(exp, r, 'grant expiry'),
      });
      if (TlvReader.skips !== skips) kept = r.buf.slice(r.start, r.vEnd);
    } else if (r.type === T.Signature) sig = set(r, sig, r.copy());
    else r.unknown('a grant');
  }
  const g: Grant = { ...need(body, outer, 'grant body'), signature: need(sig, outer, 'grant signature') };
  if (kept) preserveBody(g, kept);
  return g;
}

function nameCost(outer: TlvReader): [Name, number] {
  const r = outer.child();
  let n: Name | undefined, cost: number | undefined;
  while (r.next()) {
    if (r.type === T.Name) n = set(r, n, name(r));
    else if (r.type === T.Cost) cost = set(r, cost, r.nni());
    else r.unknown('an LSA entry');
  }
  return [need(n, outer, 'entry name'), need(cost, outer, 'entry cost')];
}

export function announcement(outer: TlvReader, r: TlvReader): PrefixAnnouncement {
  let body: Omit<PrefixAnnouncement, 'signature'> | undefined, sig: Uint8Array | undefined, kept: Uint8Array | undefined;
  while (r.next()) {
    switch (r.type) {
      case T.AnnouncementBody: {
        const b = r.child();
        let action: AnnouncementAction | undefined, pod: Name | undefined, key: Uint8Array | undefined, ts: number | undefined;
        const prefixes: Name[] = [];
        while (b.next()) {
          switch (b.type) {
            case T.Action: action = set(b, action, enumOf(b, actions, 'announcement action')); break;
            case T.Pod: pod = set(b, pod, name(b)); break;
            case T.Name: prefixes.push(name(b)); break;
            case T.PublicKey: key = set(b, key, b.copy()); break;
            case T.Timestamp: ts = set(b, ts, b.nni()); break;
            default: b.unknown('an announcement body');
          }
        }
        body = set(r, body, {
          type: 'prefix-announcement',
          action: need(action, r, 'announcement action'),
          pod: need(pod, r, 'announcement pod'),
          prefixes,
          publicKey: need(key, r, 'announcement public key'),
          timestamp: need(ts, r, 'announcement timestamp'),
        });
        kept = r.buf.slice(r.start, r.vEnd); // what the signature covers, as received
        break;
      }
      case T.Signature: sig = set(r, sig, r.copy()); break;
      default: r.unknown('an announcement');
    }
  }
  const a: PrefixAnnouncement = { ...need(body, outer, 'announcement body'), signature: need(sig, outer, 'announcement signature') };
  if (kept) preserveBody(a, kept);
  return a;
}

export function qosSample(outer: TlvReader): QosSample {
  const r = outer.child();
  let target: Name | undefined, rtt: number | undefined, loss: number | undefined, err: number | undefined;
  let healthy: boolean | undefined, samples: number | undefined, time: number | undefined;
  while (r.next()) {
    switch (r.type) {
      case T.Target: target = set(r, target, name(r)); break;
      case T.RttUs: rtt = set(r, rtt, r.nni()); break;
      case T.LossPpm: loss = set(r, loss, r.nni()); break;
      case T.ErrorPpm: err = set(r, err, r.nni()); break;
      case T.Healthy: healthy = set(r, healthy, r.bool()); break;
      case T.SampleCount: samples = set(r, samples, r.nni()); break;
      case T.Time: time = set(r, time, r.nni()); break;
      default: r.unknown('a QoS sample');
    }
  }
  return {
    target: need(target, outer, 'sample target'),
    rttUs: need(rtt, outer, 'sample rtt'),
    lossPpm: need(loss, outer, 'sample loss'),
    errorPpm: need(err, outer, 'sample error rate'),
    healthy: need(healthy, outer, 'sample health'),
    samples: need(samples, outer, 'sample count'),
    time: need(time, outer, 'sample time'),
  };
}

/** Returns the unsigned policy and whether an unknown skippable field was skipped. */
export function policyBody(outer: TlvReader): [Omit<QosPolicy, 'signature'>, boolean] {
  const r = outer.child();
  let origin: Name | undefined, version: bigint | undefined, expires: number | undefined;
  const entries: PolicyEntry[] = [];
  const skips = TlvReader.skips;
  while (r.next()) {
    switch (r.type) {
      case T.Origin: origin = set(r, origin, name(r)); break;
      case T.Version: version = set(r, version, r.bigNni()); break;
      case T.Expires: expires = set(r, expires, r.nni()); break;
      case T.PolicyEntry: entries.push(policyEntry(r)); break;
      default: r.unknown('a policy body');
    }
  }
  const p = {
    type: 'qos-policy' as const,
    origin: need(origin, outer, 'policy origin'),
    version: need(version, outer, 'policy version'),
    expires: need(expires, outer, 'policy expiry'),
    entries,
  };
  return [p, TlvReader.skips !== skips];
}

function policyEntry(outer: TlvReader): PolicyEntry {
  const r = outer.child();
  let prefix: Name | undefined;
  const instances: WeightedName[] = [];
  const nexthops: WeightedName[] = [];
  while (r.next()) {
    switch (r.type) {
      case T.Name: prefix = set(r, prefix, name(r)); break;
      case T.Instance: instances.push(weightedName(r)); break;
      case T.Nexthop: nexthops.push(weightedName(r)); break;
      default: r.unknown('a policy entry');
    }
  }
  return { prefix: need(prefix, outer, 'policy prefix'), instances, nexthops };
}

function weightedName(outer: TlvReader): WeightedName {
  const r = outer.child();
  let n: Name | undefined, w: number | undefined;
  while (r.next()) {
    if (r.type === T.Name) n = set(r, n, name(r));
    else if (r.type === T.Weight) w = set(r, w, r.nni());
    else r.unknown('a weighted name');
  }
  return { name: need(n, outer, 'weighted name'), weight: need(w, outer, 'weight') };
}
