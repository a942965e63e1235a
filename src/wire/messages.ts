/**
 * The DAMC messages as values: what the codec encodes and decodes and what the routing and
 * node code handle. This file is the contract between src/wire (bytes) and everything above
 * it. Numbers that can exceed 2^53 on the wire (sequence numbers, request ids) are bigint.
 * Time fields are milliseconds since the Unix epoch unless named otherwise.
 */
import type { Name } from './name.js';

// ---------- class 2: routing (SG/SR <-> SG/SR) ----------

/** Sent every hello interval on every fabric interface. */
export interface Hello {
  readonly type: 'hello';
  /** Sender's router name, e.g. /damc/router/sr1. */
  readonly router: Name;
  /** Sender's interface name (eth1…), for people and captures. */
  readonly iface: string;
  readonly helloIntervalMs: number;
  readonly deadIntervalMs: number;
  /** Routers the sender has heard on this interface: two-way when it lists the receiver. */
  readonly neighbors: readonly Name[];
}

export type LsaKind = 'adjacency' | 'prefix';

/** Identifies one version of one LSA (what acks, summaries and requests carry). */
export interface LsaHeader {
  readonly kind: LsaKind;
  readonly origin: Name;
  readonly seq: bigint;
  /**
   * Part of a split LSA: an origin whose prefixes do not fit one frame floods parts 0..n-1,
   * each its own LSA (own sequence number, lifetime, signature). Absent means part 0.
   */
  readonly part?: number;
}

export interface AdjacencyEntry {
  readonly neighbor: Name;
  readonly cost: number;
}

export interface PrefixEntry {
  readonly prefix: Name;
  /** Extra cost the origin adds to reach the prefix (0 for its own pod). */
  readonly cost: number;
  /** The SPA's grant that lets the origin advertise this prefix (routers that check grants need one). */
  readonly grant?: Grant;
}

/**
 * An SPA's permission for one SG to advertise one prefix until `expires`: the SPA (`authority`)
 * signs (prefix, gateway, authority, expires) with its Ed25519 key. Routers hold the SPAs'
 * public keys and install a prefix only with a valid, unexpired grant for that prefix and origin.
 */
export interface Grant {
  readonly prefix: Name;
  /** The SG allowed to originate the prefix (its router name). */
  readonly gateway: Name;
  /** The SPA that granted it. */
  readonly authority: Name;
  /** Absolute time (ms since the epoch) after which the grant is void. */
  readonly expires: number;
  readonly signature: Uint8Array;
}

interface LsaBase extends LsaHeader {
  /** Seconds the LSA stays valid from origination; 0 means flush (withdraw it now). */
  readonly lifetimeS: number;
  /** Ed25519 signature by the origin over the encoded LSA body (everything but this field). */
  readonly signature: Uint8Array;
}

export interface AdjacencyLsa extends LsaBase {
  readonly kind: 'adjacency';
  readonly neighbors: readonly AdjacencyEntry[];
}

export interface PrefixLsa extends LsaBase {
  readonly kind: 'prefix';
  readonly prefixes: readonly PrefixEntry[];
}

export type Lsa = AdjacencyLsa | PrefixLsa;

/** An LSA on the wire (one per frame; flooding sends them one by one). */
export interface LsaMessage {
  readonly type: 'lsa';
  readonly lsa: Lsa;
  /**
   * Seconds of the LSA's lifetime left when it was sent (it ages in every LSDB it passes
   * through). Outside the signed body, so any router may lower it; absent: the whole lifetime.
   */
  readonly remainingS?: number;
}

export interface LsaAck {
  readonly type: 'lsa-ack';
  readonly acks: readonly LsaHeader[];
}

/** Sent on adjacency up: the headers of everything the sender holds. */
export interface DbSummary {
  readonly type: 'db-summary';
  readonly headers: readonly LsaHeader[];
  /** True on the last summary frame of a (possibly split) exchange. */
  readonly last: boolean;
}

export interface LsaRequest {
  readonly type: 'lsa-request';
  readonly wanted: readonly { readonly kind: LsaKind; readonly origin: Name; readonly part?: number }[];
}

// ---------- class 1: pod -> SG ----------

export type AnnouncementAction = 'announce' | 'refresh' | 'withdraw';

export interface PrefixAnnouncement {
  readonly type: 'prefix-announcement';
  readonly action: AnnouncementAction;
  /** The pod's name, e.g. /damc/pod/pod1. */
  readonly pod: Name;
  readonly prefixes: readonly Name[];
  /** The pod's raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly timestamp: number;
  /** Ed25519 signature by the pod over the encoded body. */
  readonly signature: Uint8Array;
}

// ---------- class 3: SG <-> SPA ----------

export interface AuthRequest {
  readonly type: 'auth-request';
  readonly requestId: bigint;
  readonly gateway: Name;
  /** The pod's announcement, carried whole so the SPA can check its signature itself. */
  readonly announcement: PrefixAnnouncement;
}

export type AuthRejectReason = 'bad-signature' | 'not-authorized' | 'prefix-conflict' | 'expired' | 'malformed' | 'other';

export interface AuthResponse {
  readonly type: 'auth-response';
  readonly requestId: bigint;
  readonly accepted: boolean;
  /** Present when rejected. */
  readonly reason?: AuthRejectReason;
  readonly reasonText?: string;
  /** Prefixes the decision covers. */
  readonly prefixes: readonly Name[];
  /** On accept: one grant per prefix. */
  readonly grants?: readonly Grant[];
}

/** SG -> pod: what became of the pod's announcement (a reject is the pod's failure notification). */
export interface AnnouncementResult {
  readonly type: 'announcement-result';
  readonly pod: Name;
  readonly accepted: boolean;
  readonly reason?: AuthRejectReason;
  readonly reasonText?: string;
  readonly prefixes: readonly Name[];
}

// ---------- class 4: SG/SR <-> SCSC ----------

export interface QosSample {
  /** The instance measured, e.g. /B/4. */
  readonly target: Name;
  readonly rttUs: number;
  /** Loss and error rate in parts per million, so they stay integers on the wire. */
  readonly lossPpm: number;
  readonly errorPpm: number;
  readonly healthy: boolean;
  readonly samples: number;
  readonly time: number;
}

export interface QosTelemetry {
  readonly type: 'qos-telemetry';
  readonly reporter: Name;
  readonly time: number;
  readonly entries: readonly QosSample[];
}

export interface WeightedName {
  readonly name: Name;
  readonly weight: number;
}

export interface PolicyEntry {
  readonly prefix: Name;
  /** Weighted instances of the pool (e.g. /B/1 and /B/4 for /B). */
  readonly instances: readonly WeightedName[];
  /** Weighted next-hop routers. */
  readonly nexthops: readonly WeightedName[];
}

export interface QosPolicy {
  readonly type: 'qos-policy';
  readonly origin: Name;
  readonly version: bigint;
  /** Absolute time after which routers ignore the policy and fall back to the FIB. */
  readonly expires: number;
  readonly entries: readonly PolicyEntry[];
  /** Ed25519 signature by the origin (the SCSC) over the encoded PolicyBody; empty = unsigned. */
  readonly signature: Uint8Array;
}

// ---------- data plane ----------

interface DataBase {
  /** The name the packet is routed by, e.g. /B/4/echo. */
  readonly name: Name;
  /** Where the response goes back to (the requesting SG's name or the pod instance). */
  readonly requester: Name;
  readonly requestId: bigint;
  readonly hopLimit: number;
  readonly segIndex: number;
  readonly segCount: number;
  readonly payload: Uint8Array;
  /** On a response: the SG that serves the exchange, where acks of its segments go. */
  readonly responder?: Name;
  /**
   * Present: this packet acknowledges segments of the other direction instead of carrying
   * data (a response acks request segments back to the requester; a request to the responder's
   * name acks response segments). Its own segIndex/segCount/payload are then 0/1/empty.
   */
  readonly ack?: SegmentAck;
}

/** Which segments a receiver holds: all below `below`, and segment below+1+i where bit i of `bits` is set. */
export interface SegmentAck {
  readonly below: number;
  /** Bit i (LSB first in byte 0) = segment below+1+i received. Empty when none. */
  readonly bits: Uint8Array;
}

export interface DataRequest extends DataBase {
  readonly type: 'request';
}

export interface DataResponse extends DataBase {
  readonly type: 'response';
  /** Application status (e.g. HTTP status code); 0 when not meaningful. */
  readonly status: number;
}

export type NackReason = 'no-route' | 'hop-limit' | 'rejected' | 'congestion' | 'unreachable' | 'other';

export interface Nack {
  readonly type: 'nack';
  readonly name: Name;
  readonly requester: Name;
  readonly requestId: bigint;
  readonly reason: NackReason;
  readonly hopLimit: number;
  /** Router that generated the nack. */
  readonly reporter: Name;
}

export type Message =
  | Hello
  | LsaMessage
  | LsaAck
  | DbSummary
  | LsaRequest
  | PrefixAnnouncement
  | AuthRequest
  | AuthResponse
  | AnnouncementResult
  | QosTelemetry
  | QosPolicy
  | DataRequest
  | DataResponse
  | Nack;

export type MessageType = Message['type'];

export const DAMC_ETHERTYPE = 0x88b5;
