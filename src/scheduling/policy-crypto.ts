/**
 * Policy signatures against the lab's trust map (node name -> raw Ed25519 public key), the way
 * src/routing/crypto.ts checks LSAs: the SCSC signs with its key, routers verify by origin.
 */
import type { KeyObject } from 'node:crypto';
import { publicKeyFromRaw, signPolicy, verifyPolicy } from '../wire/index.js';
import type { QosPolicy } from '../wire/messages.js';
import type { UnsignedPolicy } from '../wire/preserved.js';
import type { PolicyVerifier } from './policy-store.js';

export function trustMapPolicyVerifier(trust: Record<string, string | Uint8Array>): PolicyVerifier {
  const keys = new Map<string, KeyObject>();
  for (const [origin, key] of Object.entries(trust)) {
    keys.set(origin, publicKeyFromRaw(typeof key === 'string' ? new Uint8Array(Buffer.from(key, 'base64')) : key));
  }
  return (p: QosPolicy) => {
    const key = keys.get(p.origin.key);
    if (!key) return 'unknown-origin';
    return verifyPolicy(p, key) ? 'ok' : 'bad-signature';
  };
}

export function policySigner(privateKey: KeyObject): (u: UnsignedPolicy) => QosPolicy {
  return (u) => signPolicy(u, privateKey);
}
