/**
 * Signed bodies as received. A signature covers the body bytes exactly as the origin encoded
 * them, including fields this router does not know (skippable extensions). So the decoder keeps
 * the received body bytes of each LSA, announcement and policy here, keyed by the decoded object, and
 * lsaBody()/encode() reuse them: a router can verify and re-flood an LSA from a newer router
 * without breaking its signature. An object built or spread by code has no entry and is
 * encoded from its fields. (A WeakMap keeps the decoded values plain for deepEqual.)
 */
import type { AdjacencyLsa, Grant, PrefixAnnouncement, PrefixLsa, QosPolicy } from './messages.js';

export type UnsignedLsa = Omit<AdjacencyLsa, 'signature'> | Omit<PrefixLsa, 'signature'>;
export type UnsignedAnnouncement = Omit<PrefixAnnouncement, 'signature'>;
export type UnsignedPolicy = Omit<QosPolicy, 'signature'>;
export type UnsignedGrant = Omit<Grant, 'signature'>;

const bodies = new WeakMap<object, Uint8Array>();

export function preservedBody(o: object): Uint8Array | undefined {
  return bodies.get(o);
}

export function preserveBody(o: object, body: Uint8Array): void {
  bodies.set(o, body);
}
