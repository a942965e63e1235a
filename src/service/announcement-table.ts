/**
 * The SG's table of what its pods announced (class 1) and what the SPA made of it (class 3).
 * Each prefix has its announcers (pod -> refresh deadline and the signed announcement that
 * carried it), at most one grant, and at most one rejection. What the SG advertises is every
 * prefix with a live announcer and an unexpired grant; a pod that stops refreshing loses its
 * prefixes at its deadline, a grant that the SPA did not renew ends at its expiry. Pure.
 */
import type { AuthRejectReason, Grant, PrefixAnnouncement, PrefixEntry } from '../wire/index.js';
import type { Name } from '../wire/name.js';

export interface Announcer {
  readonly deadline: number;
  readonly announcement: PrefixAnnouncement;
}

export interface Rejection {
  readonly reason: AuthRejectReason;
  readonly text: string;
  readonly at: number;
}

interface PrefixState {
  readonly prefix: Name;
  readonly announcers: Map<string, Announcer>;
  grant?: Grant;
  rejection?: Rejection;
}

export interface PrefixView {
  prefix: string;
  pods: string[];
  status: 'granted' | 'rejected' | 'pending';
  grantExpires?: number;
  authority?: string;
  reason?: string;
  reasonText?: string;
}

export class AnnouncementTable {
  private readonly byPrefix = new Map<string, PrefixState>();

  /**
   * A pod announced or refreshed `a.prefixes`, to be held until `now + holdMs`. A fresh
   * 'announce' clears an earlier rejection (the SPA is asked again); a 'refresh' does not.
   */
  announce(pod: string, a: PrefixAnnouncement, now: number, holdMs: number): void {
    for (const p of a.prefixes) {
      let s = this.byPrefix.get(p.key);
      if (!s) this.byPrefix.set(p.key, (s = { prefix: p, announcers: new Map() }));
      s.announcers.set(pod, { deadline: now + holdMs, announcement: a });
      if (a.action === 'announce') delete s.rejection;
    }
  }

  /** Returns the prefixes that lost their last announcer. */
  withdraw(pod: string, prefixes: readonly Name[]): Name[] {
    const gone: Name[] = [];
    for (const p of prefixes) {
      const s = this.byPrefix.get(p.key);
      if (!s || !s.announcers.delete(pod)) continue;
      if (s.announcers.size === 0) {
        this.byPrefix.delete(p.key);
        gone.push(p);
      }
    }
    return gone;
  }

  /** Drops announcers past their deadline and grants past expiry; returns what changed. */
  expire(now: number): { withdrawn: Name[]; grantsExpired: Name[] } {
    const withdrawn: Name[] = [];
    const grantsExpired: Name[] = [];
    for (const [k, s] of this.byPrefix) {
      for (const [pod, a] of s.announcers) if (a.deadline <= now) s.announcers.delete(pod);
      if (s.announcers.size === 0) {
        this.byPrefix.delete(k);
        withdrawn.push(s.prefix);
      } else if (s.grant && s.grant.expires <= now) {
        delete s.grant;
        grantsExpired.push(s.prefix);
      }
    }
    return { withdrawn, grantsExpired };
  }

  /** Stores a grant for a prefix still announced; false if nobody announces it any more. */
  granted(g: Grant): boolean {
    const s = this.byPrefix.get(g.prefix.key);
    if (!s) return false;
    if (!s.grant || s.grant.expires < g.expires) s.grant = g;
    delete s.rejection;
    return true;
  }

  /** The SPA refused the prefix: it is withdrawn from what we advertise until the pod announces anew. */
  rejected(prefix: Name, reason: AuthRejectReason, text: string, now: number): boolean {
    const s = this.byPrefix.get(prefix.key);
    if (!s) return false;
    s.rejection = { reason, text, at: now };
    delete s.grant;
    return true;
  }

  /**
   * Announcements to send to the SPA: those carrying a prefix with no grant (or one that expires
   * within `renewWithinMs`) and no standing rejection. One signed announcement covers many prefixes.
   */
  needingAuth(now: number, renewWithinMs: number): PrefixAnnouncement[] {
    const out = new Set<PrefixAnnouncement>();
    for (const s of this.byPrefix.values()) {
      if (s.rejection) continue;
      if (s.grant && s.grant.expires - now > renewWithinMs) continue;
      for (const a of s.announcers.values()) out.add(a.announcement);
    }
    return [...out];
  }

  /** Prefix entries to advertise (cost 0, with their grants), in name order. */
  advertised(now: number): PrefixEntry[] {
    const out: PrefixEntry[] = [];
    for (const s of this.byPrefix.values()) {
      if (s.grant && s.grant.expires > now && s.announcers.size > 0) out.push({ prefix: s.prefix, cost: 0, grant: s.grant });
    }
    return out.sort((a, b) => a.prefix.compare(b.prefix));
  }

  /** Earliest announcer deadline or grant expiry (Infinity when none). */
  nextDeadline(): number {
    let t = Infinity;
    for (const s of this.byPrefix.values()) {
      for (const a of s.announcers.values()) t = Math.min(t, a.deadline);
      if (s.grant) t = Math.min(t, s.grant.expires);
    }
    return t;
  }

  /** Earliest time a grant enters its renewal window (Infinity when none). */
  nextRenewal(renewWithinMs: number): number {
    let t = Infinity;
    for (const s of this.byPrefix.values()) if (s.grant && !s.rejection) t = Math.min(t, s.grant.expires - renewWithinMs);
    return t;
  }

  view(now: number): PrefixView[] {
    return [...this.byPrefix.values()]
      .sort((a, b) => a.prefix.compare(b.prefix))
      .map((s) => {
        const status = s.rejection ? 'rejected' : s.grant && s.grant.expires > now ? 'granted' : 'pending';
        return {
          prefix: s.prefix.toString(), pods: [...s.announcers.keys()].sort(), status,
          ...(s.grant ? { grantExpires: s.grant.expires, authority: s.grant.authority.toString() } : {}),
          ...(s.rejection ? { reason: s.rejection.reason, reasonText: s.rejection.text } : {}),
        };
      });
  }

  get size(): number {
    return this.byPrefix.size;
  }
}
