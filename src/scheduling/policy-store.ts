/**
 * A router's policies from the SCSC, by prefix. It accepts a policy only if it is signed by a
 * key the lab trusts for its origin, newer than any seen from that origin (a replayed older
 * one is refused even after the newer one expired) and not yet expired. A newer policy replaces
 * the origin's previous one whole (an empty one clears it). Lookups ignore expired policies, so
 * a router whose SCSC went away keeps the last policy until its expiry and then falls back to
 * its FIB (shortest path, equal-cost sharing) with no gap: nothing in the data path waits on
 * the SCSC. Every refusal has a counter.
 */
import type { PolicyEntry, QosPolicy } from '../wire/messages.js';
import type { Name } from '../wire/name.js';

export type PolicyVerdict =
  | 'installed'
  | 'duplicate'
  | 'stale'
  | 'expired'
  | 'unsigned'
  | 'bad-signature'
  | 'unknown-origin';

export const POLICY_COUNTER_NAMES = [
  'policyRx',
  'policyInstalled',
  'policyDuplicate',
  'policyDropStale',
  'policyDropExpired',
  'policyDropUnsigned',
  'policyDropBadSignature',
  'policyDropUnknownOrigin',
  'policyExpired',
] as const;
export type PolicyCounterName = (typeof POLICY_COUNTER_NAMES)[number];
export type PolicyCounters = Record<PolicyCounterName, number>;

const DROP: Record<Exclude<PolicyVerdict, 'installed' | 'duplicate'>, PolicyCounterName> = {
  stale: 'policyDropStale',
  expired: 'policyDropExpired',
  unsigned: 'policyDropUnsigned',
  'bad-signature': 'policyDropBadSignature',
  'unknown-origin': 'policyDropUnknownOrigin',
};

/** Checks a policy's signature against the origin's key (see wire's verifyPolicy). */
export type PolicyVerifier = (p: QosPolicy) => 'ok' | 'unknown-origin' | 'bad-signature';

export interface HeldPolicy {
  readonly policy: QosPolicy;
  readonly installedAt: number;
}

export class PolicyStore {
  private readonly held = new Map<string, HeldPolicy>();
  /** Highest version ever accepted per origin: replays of older signed policies stay refused. */
  private readonly highest = new Map<string, bigint>();
  readonly counters: PolicyCounters = Object.fromEntries(POLICY_COUNTER_NAMES.map((n) => [n, 0])) as PolicyCounters;
  /** Bumped whenever the held set changes (install, sweep): what forwarding derives from it is redone. */
  generation = 0;

  constructor(private readonly verify: PolicyVerifier) {}

  offer(p: QosPolicy, now: number): PolicyVerdict {
    this.counters.policyRx++;
    const v = this.judge(p, now);
    if (v === 'installed') {
      this.held.set(p.origin.key, { policy: p, installedAt: now });
      this.highest.set(p.origin.key, p.version);
      this.counters.policyInstalled++;
      this.generation++;
    } else if (v === 'duplicate') this.counters.policyDuplicate++;
    else this.counters[DROP[v]]++;
    return v;
  }

  private judge(p: QosPolicy, now: number): PolicyVerdict {
    if (p.signature.length === 0) return 'unsigned';
    const sig = this.verify(p);
    if (sig !== 'ok') return sig;
    const top = this.highest.get(p.origin.key);
    if (top !== undefined && p.version < top) return 'stale';
    if (top !== undefined && p.version === top) return 'duplicate';
    if (p.expires <= now) return 'expired';
    return 'installed';
  }

  /** The live entry with the longest prefix of `name` (across origins), or undefined: use the FIB. */
  lookup(name: Name, now: number): PolicyEntry | undefined {
    let best: PolicyEntry | undefined;
    for (const h of this.held.values()) {
      if (h.policy.expires <= now) continue;
      for (const e of h.policy.entries) {
        if (e.prefix.isPrefixOf(name) && (!best || e.prefix.length > best.prefix.length)) best = e;
      }
    }
    return best;
  }

  /** Forgets expired policies (counted); returns their origins. Lookups already ignore them. */
  sweep(now: number): Name[] {
    const gone: Name[] = [];
    for (const [k, h] of this.held) {
      if (h.policy.expires <= now) {
        this.held.delete(k);
        this.counters.policyExpired++;
        this.generation++;
        gone.push(h.policy.origin);
      }
    }
    return gone;
  }

  /** What `lab policies` shows: live policies with their entries. */
  list(now: number): HeldPolicy[] {
    return [...this.held.values()].filter((h) => h.policy.expires > now);
  }
}
