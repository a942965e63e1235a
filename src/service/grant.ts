/**
 * SPA grants: the SPA signs (prefix, gateway, authority, expiry); every router checks a prefix
 * entry's grant against the SPA keys of its node config before it installs the prefix. Pure:
 * the caller passes the time.
 */
import type { KeyObject } from 'node:crypto';
import { grantBody, publicKeyFromRaw, signGrant, verifyGrant, type Grant, type PrefixEntry } from '../wire/index.js';
import type { Name } from '../wire/name.js';

export function issueGrant(prefix: Name, gateway: Name, authority: Name, expires: number, key: KeyObject): Grant {
  return signGrant({ prefix, gateway, authority, expires }, key);
}

export type GrantVerdict = 'ok' | 'no-grant' | 'wrong-prefix' | 'wrong-gateway' | 'unknown-authority' | 'bad-signature' | 'expired';

/** The SPA public keys a router trusts: SPA name -> raw 32-byte key (base64 or bytes). */
export class GrantChecker {
  private readonly keys = new Map<string, KeyObject>();
  /** Verified grants by signed bytes and signature: a refresh floods the same grants again, verify each once. */
  private readonly verified = new Map<string, number>();

  constructor(spaKeys: Readonly<Record<string, string | Uint8Array>>) {
    for (const [spa, key] of Object.entries(spaKeys)) {
      this.keys.set(spa, publicKeyFromRaw(typeof key === 'string' ? new Uint8Array(Buffer.from(key, 'base64')) : key));
    }
  }

  get size(): number {
    return this.keys.size;
  }

  /** May `origin` advertise `entry` at `now`? */
  check(entry: PrefixEntry, origin: Name, now: number): GrantVerdict {
    const g = entry.grant;
    if (!g) return 'no-grant';
    if (!g.prefix.equals(entry.prefix)) return 'wrong-prefix';
    if (!g.gateway.equals(origin)) return 'wrong-gateway';
    if (g.expires <= now) return 'expired';
    const key = this.keys.get(g.authority.key);
    if (!key) return 'unknown-authority';
    // Keyed by everything the signature covers, so no field can be swapped under a cached signature.
    const sig = Buffer.from(g.signature).toString('base64') + Buffer.from(grantBody(g)).toString('base64');
    const known = this.verified.get(sig);
    if (known === g.expires) return 'ok';
    if (!verifyGrant(g, key)) return 'bad-signature';
    this.verified.set(sig, g.expires);
    this.forgetExpired(now);
    return 'ok';
  }

  private forgetExpired(now: number): void {
    if (this.verified.size < 50_000) return;
    for (const [s, exp] of this.verified) if (exp <= now) this.verified.delete(s);
  }
}
