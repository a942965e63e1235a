import type { AdjacencyLsa, Lsa, LsaKind, Name, PrefixLsa } from '../wire/index.js';

export interface RouterTimers {
  helloIntervalMs: number;
  /** Silence after which a neighbor is declared dead. */
  deadIntervalMs: number;
  lsaLifetimeS: number;
  /** Origin re-floods its LSAs this often (well under the lifetime). */
  lsaRefreshS: number;
  /** Unacked LSAs, unanswered requests and summaries are resent this often. */
  rxmtIntervalMs: number;
  /** Minimum gap between SPF runs; doubles while changes keep coming, up to the max. */
  spfInitialHoldMs: number;
  spfMaxHoldMs: number;
  /** The same backoff for originating our own LSAs (OSPF's MinLSInterval, made adaptive). */
  lsaInitialHoldMs: number;
  lsaMaxHoldMs: number;
  /** Acks wait this long to share a frame (must stay well under rxmtIntervalMs). */
  ackDelayMs: number;
  /**
   * After start, our own LSAs wait at most this long (default 0), and only until every
   * interface with carrier has its two-way neighbor: the first adjacency LSA then lists them
   * all instead of one version per neighbor, each of which every router in the lab would
   * verify, flood and run SPF for.
   */
  lsaStartupHoldMs?: number;
  /**
   * The most a late neighbor's silence may exceed the dead interval (src/routing/neighbors.ts;
   * default three dead intervals, 0: no slack).
   */
  lateSlackMaxMs?: number;
  /** SPF's backoff also batches a trickle of changes (src/routing/throttle.ts; default false). */
  spfBatchTrickle?: boolean;
}

export type UnsignedLsa = Omit<AdjacencyLsa, 'signature'> | Omit<PrefixLsa, 'signature'>;

/** Signing with our key and verifying with the origin's key from the lab's trust map. */
export interface LsaCrypto {
  sign(lsa: UnsignedLsa): Lsa;
  verify(lsa: Lsa): 'ok' | 'unknown-origin' | 'bad-signature';
  /** Whether the router is in the trust map (hellos from others are ignored). */
  knows(router: Name): boolean;
}

export type RouterEvent =
  | { type: 'adjacency'; iface: string; neighbor: Name; up: boolean; reason: string }
  /** waitedMs: from the first change that asked for this run to the run (throttle + scheduling). */
  | { type: 'spf'; durationMs: number; waitedMs: number; routes: number; routers: number; fibChanges: number; skipped?: boolean }
  /** A new LSA (or flush) installed and flooded on; for per-hop timelines at debug level. */
  | { type: 'lsa-rx'; iface: string; origin: Name; kind: LsaKind; seq: bigint }
  | { type: 'originate'; kind: LsaKind; seq: bigint; lifetimeS: number }
  | { type: 'lsa-drop'; reason: string; iface: string; origin: Name; kind: LsaKind; seq: bigint }
  | { type: 'data-drop'; reason: string; name: Name; iface: string | undefined };
