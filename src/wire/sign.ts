/**
 * Ed25519 signing and verification of LSAs, prefix announcements, QoS policies and SPA grants (node:crypto, no I/O).
 * Verification never throws: a malformed key or signature simply does not verify.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { announcementBody, grantBody, lsaBody, policyBody } from './body.js';
import type { Grant, Lsa, PrefixAnnouncement, QosPolicy } from './messages.js';
import { preserveBody, preservedBody, type UnsignedAnnouncement, type UnsignedGrant, type UnsignedLsa, type UnsignedPolicy } from './preserved.js';

export function signLsa(unsigned: UnsignedLsa, privateKey: KeyObject): Lsa {
  const signature = new Uint8Array(sign(null, lsaBody(unsigned), privateKey));
  return keepBody(unsigned, { ...unsigned, signature } as Lsa);
}

export function verifyLsa(lsa: Lsa, publicKey: KeyObject): boolean {
  return check(lsaBody(lsa), lsa.signature, publicKey);
}

export function signAnnouncement(unsigned: UnsignedAnnouncement, privateKey: KeyObject): PrefixAnnouncement {
  const signature = new Uint8Array(sign(null, announcementBody(unsigned), privateKey));
  return keepBody(unsigned, { ...unsigned, signature });
}

export function signPolicy(unsigned: UnsignedPolicy, privateKey: KeyObject): QosPolicy {
  const signature = new Uint8Array(sign(null, policyBody(unsigned), privateKey));
  return keepBody(unsigned, { ...unsigned, signature });
}

/** False for an unsigned (empty signature) policy too. */
export function verifyPolicy(p: QosPolicy, publicKey: KeyObject): boolean {
  return p.signature.length > 0 && check(policyBody(p), p.signature, publicKey);
}

/** Checks against `publicKey`, or by default against the key the announcement itself carries. */
export function verifyAnnouncement(a: PrefixAnnouncement, publicKey?: KeyObject): boolean {
  let key = publicKey;
  if (!key) {
    try {
      key = publicKeyFromRaw(a.publicKey);
    } catch {
      return false;
    }
  }
  return check(announcementBody(a), a.signature, key);
}

export function signGrant(unsigned: UnsignedGrant, privateKey: KeyObject): Grant {
  const signature = new Uint8Array(sign(null, grantBody(unsigned), privateKey));
  return keepBody(unsigned, { ...unsigned, signature });
}

/** Checks the SPA's signature only; whether the grant fits the prefix, origin and time is the caller's rule. */
export function verifyGrant(g: Grant, publicKey: KeyObject): boolean {
  return check(grantBody(g), g.signature, publicKey);
}

/** An Ed25519 public KeyObject from its raw 32 bytes; throws RangeError on another length. */
export function publicKeyFromRaw(raw32: Uint8Array): KeyObject {
  if (raw32.length !== 32) throw new RangeError(`an Ed25519 public key is 32 bytes, got ${raw32.length}`);
  const x = Buffer.from(raw32.buffer, raw32.byteOffset, raw32.length).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** The raw 32-byte Ed25519 public key of a public or private KeyObject. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== 'ed25519') throw new RangeError(`not an Ed25519 key (${String(key.asymmetricKeyType)})`);
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new RangeError('Ed25519 key exported no public part');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

function check(body: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  try {
    return verify(null, body, key, signature);
  } catch {
    return false;
  }
}

/** A body preserved from decoding (unknown fields included) stays what the signature covers. */
function keepBody<T extends object>(from: object, to: T): T {
  const kept = preservedBody(from);
  if (kept) preserveBody(to, kept);
  return to;
}
