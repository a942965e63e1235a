/**
 * LSA signing with this router's Ed25519 key and verification against the lab's trust map
 * (router name -> public key), through the wire's signLsa/verifyLsa.
 */
import type { KeyObject } from 'node:crypto';
import { type Lsa, type Name, lsaBody, publicKeyFromRaw, signLsa, verifyLsa } from '../wire/index.js';
import type { LsaCrypto, UnsignedLsa } from './types.js';

/**
 * Shared by every router of this process. A shared router process (src/node/pool) runs a
 * hundred routers with the same trust map, and each receives every LSA of the lab: without
 * these, each would hold its own key objects and verify the same bytes again (60-80 µs each).
 */
const keyObjects = new Map<string, KeyObject>();
/** Signature (latin1 text) -> the key and the exact signed bytes it was verified over. */
const verified = new Map<string, { key: string; body: Uint8Array }>();
const VERIFIED_MAX = 50_000;

export class TrustMapCrypto implements LsaCrypto {
  private readonly keys = new Map<string, { text: string; key: KeyObject }>();

  /** `trust`: router name text -> raw 32-byte public key (base64 or bytes). */
  constructor(private readonly privateKey: KeyObject, trust: Record<string, string | Uint8Array>) {
    for (const [router, key] of Object.entries(trust)) {
      const text = typeof key === 'string' ? key : Buffer.from(key).toString('base64');
      let obj = keyObjects.get(text);
      if (!obj) {
        obj = publicKeyFromRaw(new Uint8Array(Buffer.from(text, 'base64')));
        keyObjects.set(text, obj);
      }
      this.keys.set(router, { text, key: obj });
    }
  }

  sign(lsa: UnsignedLsa): Lsa {
    return signLsa(lsa, this.privateKey);
  }

  verify(lsa: Lsa): 'ok' | 'unknown-origin' | 'bad-signature' {
    const k = this.keys.get(lsa.origin.key);
    if (!k) return 'unknown-origin';
    // The same signature over the same bytes under the same key was verified here before (by
    // another router of this process): the answer is the same. Only good signatures are kept.
    const sig = Buffer.from(lsa.signature.buffer, lsa.signature.byteOffset, lsa.signature.byteLength).toString('latin1');
    const seen = verified.get(sig);
    const body = lsaBody(lsa);
    if (seen && seen.key === k.text && Buffer.compare(seen.body, body) === 0) return 'ok';
    if (!verifyLsa(lsa, k.key)) return 'bad-signature';
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(sig, { key: k.text, body: body.slice() });
    return 'ok';
  }

  knows(router: Name): boolean {
    return this.keys.has(router.key);
  }
}
