/**
 * The SPA's decision on a pod's announcement: is the signature the pod's own (its key from the
 * lab), is the announcement fresh, and may that pod own each prefix? A pod may own a prefix
 * that one of its policy entries is a prefix of (policy /Z allows /Z and /Z/9). Pure.
 */
import { publicKeyFromRaw, verifyAnnouncement, type AuthRejectReason, type PrefixAnnouncement } from '../wire/index.js';
import { bytesEqual, Name } from '../wire/name.js';

export interface SpaPolicyConfig {
  /** Pod node name -> prefixes it may own ("/Z"). */
  allow: Readonly<Record<string, readonly string[]>>;
  /** Pod node name -> its raw Ed25519 public key, base64. */
  podKeys: Readonly<Record<string, string>>;
  /** Announcements older than this (or this far in the future) are refused as replays. */
  maxAgeMs: number;
}

export type Decision =
  | { readonly accepted: readonly Name[]; readonly rejected: readonly Name[]; readonly reason?: AuthRejectReason; readonly reasonText?: string };

/** Pod node name from the announcement's pod name (/damc/pod/pod1 -> pod1). */
export function podNodeOf(pod: Name): string {
  return pod.length > 0 ? new TextDecoder().decode(pod.components[pod.length - 1]!) : '';
}

export class SpaPolicy {
  private readonly allow = new Map<string, Name[]>();

  constructor(private readonly cfg: SpaPolicyConfig) {
    for (const [pod, ps] of Object.entries(cfg.allow)) this.allow.set(pod, ps.map((p) => Name.parse(p)));
  }

  decide(a: PrefixAnnouncement, now: number): Decision {
    const all = a.prefixes;
    const reject = (reason: AuthRejectReason, reasonText: string): Decision => ({ accepted: [], rejected: all, reason, reasonText });
    const pod = podNodeOf(a.pod);
    const known = this.cfg.podKeys[pod];
    if (known === undefined) return reject('not-authorized', `no pod ${pod} in this lab`);
    if (!bytesEqual(new Uint8Array(Buffer.from(known, 'base64')), a.publicKey)) return reject('bad-signature', `${pod} announced with a key that is not its own`);
    if (!verifyAnnouncement(a, publicKeyFromRaw(a.publicKey))) return reject('bad-signature', `${pod}'s announcement signature does not verify`);
    if (Math.abs(now - a.timestamp) > this.cfg.maxAgeMs) return reject('expired', `${pod}'s announcement is ${Math.round((now - a.timestamp) / 1000)} s old`);
    const mine = this.allow.get(pod) ?? [];
    const accepted: Name[] = [];
    const rejected: Name[] = [];
    for (const p of all) (mine.some((m) => m.isPrefixOf(p)) ? accepted : rejected).push(p);
    if (rejected.length === 0) return { accepted, rejected };
    const allowed = mine.map((m) => m.toString()).join(', ') || 'nothing';
    return { accepted, rejected, reason: 'not-authorized', reasonText: `${pod} may not own ${rejected.map((r) => r.toString()).join(', ')} (allowed: ${allowed})` };
  }
}
