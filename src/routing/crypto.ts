/**
 * LSA signing with this router's Ed25519 key and verification against the lab's trust map
 * (router name -> public key), through the wire's signLsa/verifyLsa.
 */
import type { KeyObject } from 'node:crypto';
import { type Lsa, type Name, publicKeyFromRaw, signLsa, verifyLsa } from '../wire/index.js';
import type { LsaCrypto, UnsignedLsa } from './types.js';

export class TrustMapCrypto implements LsaCrypto {
  private readonly keys = new Map<string, KeyObject>();

  /** `trust`: router name text -> raw 32-byte public key (base64 or bytes). */
  constructor(private readonly privateKey: KeyObject, trust: Record<string, string | Uint8Array>) {
    for (const [router, key] of Object.entries(trust)) {
      const raw = typeof key === 'string' ? new Uint8Array(Buffer.from(key, 'base64')) : key;
      this.keys.set(router, publicKeyFromRaw(raw));
    }
  }

  sign(lsa: UnsignedLsa): Lsa {
    return signLsa(lsa, this.privateKey);
  }

  verify(lsa: Lsa): 'ok' | 'unknown-origin' | 'bad-signature' {
    const key = this.keys.get(lsa.origin.key);
    if (!key) return 'unknown-origin';
    return verifyLsa(lsa, key) ? 'ok' : 'bad-signature';
  }

  knows(router: Name): boolean {
    return this.keys.has(router.key);
  }
}
