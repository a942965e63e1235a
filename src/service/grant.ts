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
/**
 * Verified grants by key, signed bytes and signature, for every checker of this process: a
 * refresh floods the same grants again, and a shared router process (src/node/pool) runs a
 * hundred routers that all check the same ones; each is verified once.
 */
const verified = new Map<string, number>();

export class GrantChecker {
  private readonly keys = new Map<string, { key: KeyObject; text: string }>();

  constructor(spaKeys: Readonly<Record<string, string | Uint8Array>>) {
    for (const [spa, key] of Object.entries(spaKeys)) {
      const text = typeof key === 'string' ? key : Buffer.from(key).toString('base64');
      this.keys.set(spa, { key: publicKeyFromRaw(new Uint8Array(Buffer.from(text, 'base64'))), text });
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
    const k = this.keys.get(g.authority.key);
    if (!k) return 'unknown-authority';
    // Keyed by the key and everything the signature covers, so no field can be swapped under a cached signature.
    const sig = `${k.text} ${Buffer.from(g.signature).toString('base64')}${Buffer.from(grantBody(g)).toString('base64')}`;
    const known = verified.get(sig);
    if (known === g.expires) return 'ok';
    if (!verifyGrant(g, k.key)) return 'bad-signature';
    verified.set(sig, g.expires);
    forgetExpired(now);
    return 'ok';
  }
}

function forgetExpired(now: number): void {
  if (verified.size < 50_000) return;
  for (const [s, exp] of verified) if (exp <= now) verified.delete(s);
  if (verified.size >= 50_000) verified.clear();
}
