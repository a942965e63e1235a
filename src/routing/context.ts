/** What the parts of one router share: who it is, its timers, counters and LSDB, and its outputs. */
import type { Message, Name } from '../wire/index.js';
import type { RouterCounters } from './counters.js';
import type { Lsdb } from './lsdb.js';
import type { LsaCrypto, RouterEvent, RouterTimers } from './types.js';

export interface RouterContext {
  readonly name: Name;
  readonly timers: RouterTimers;
  readonly counters: RouterCounters;
  readonly lsdb: Lsdb;
  readonly crypto: LsaCrypto;
  now(): number;
  /** Sends one message out of an interface; false when the face refused it. */
  send(iface: string, msg: Message): boolean;
  event(e: RouterEvent): void;
}

/** Headers per summary/request/ack frame: well inside a 1500-byte MTU. */
export const CHUNK = 24;
