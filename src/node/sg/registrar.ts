/**
 * The SG's registrar: takes its pods' prefix announcements (class 1) on the pod links, asks its
 * SPA for a grant for each prefix (class 3) and hands the granted prefixes, grants attached, to
 * the router to flood (class 2). Fail closed: nothing is advertised without a grant; when the
 * SPA is silent, what it granted stays until the grants expire and the SG retries with backoff.
 * A pod that stops refreshing loses its prefixes after the hold time. Frames from a pod that
 * are not announcements (a pod playing router) are ignored and counted.
 */
import { randomBytes } from 'node:crypto';
import type { Face } from '../../face/face.js';
import type { Scheduler, Timer } from '../../routing/clock.js';
import { AnnouncementTable, Backoff, podNodeOf, type PrefixView } from '../../service/index.js';
import type { Logger } from '../../util/log.js';
import {
  encode, publicKeyFromRaw, tryDecode, verifyAnnouncement, verifyGrant,
  type AuthRequest, type AuthResponse, type Message, type PrefixAnnouncement, type PrefixEntry,
} from '../../wire/index.js';
import { Name } from '../../wire/name.js';
import type { KeyObject } from 'node:crypto';
import type { ServiceTimers } from '../config.js';

export const REGISTRAR_COUNTERS = [
  'announceRx', 'announceBadSignature', 'announceWrongPod', 'withdrawRx', 'podClass2Ignored', 'podOtherIgnored', 'decodeErrors',
  'authRequestTx', 'authAccepted', 'authRejected', 'authTimeouts', 'authUnknownResponse', 'grantBad', 'grantsExpired', 'podExpired',
  'resultTx',
] as const;
export type RegistrarCounters = Record<(typeof REGISTRAR_COUNTERS)[number], number>;

const CLASS2 = new Set<Message['type']>(['hello', 'lsa', 'lsa-ack', 'db-summary', 'lsa-request']);

export interface RegistrarOptions {
  /** This SG's router name: the gateway its grants name. */
  gateway: Name;
  scheduler: Scheduler;
  log: Logger;
  /** Pod node name -> the face on its link. */
  podFaces: ReadonlyMap<string, Face>;
  /** The face on the SG–SPA link (none: nothing is ever advertised). */
  spaFace?: Face;
  /** Pod node name -> raw public key, base64. */
  podKeys: Readonly<Record<string, string>>;
  /** SPA name -> raw public key, base64 (grants are checked before they are used). */
  spaKeys: Readonly<Record<string, string>>;
  timers: ServiceTimers;
  /** Called with what to advertise whenever it changes. */
  advertise: (entries: PrefixEntry[]) => void;
  random?: () => number;
  /** An SPA answer to no request of ours: true when it was one this SG relayed (spa-relay.ts). */
  relayed?: (m: AuthResponse) => boolean;
}

interface InFlight {
  readonly announcement: PrefixAnnouncement;
  readonly pod: string;
  readonly sentAt: number;
  readonly open: Set<string>;
}

export interface RejectionView { at: number; pod: string; prefixes: string[]; reason: string; text: string }

export class Registrar {
  readonly counters: RegistrarCounters = Object.fromEntries(REGISTRAR_COUNTERS.map((c) => [c, 0])) as RegistrarCounters;
  readonly table = new AnnouncementTable();
  private readonly inFlight = new Map<bigint, InFlight>();
  private readonly backoff: Backoff;
  private readonly podKeys = new Map<string, KeyObject>();
  private readonly spaKeys = new Map<string, KeyObject>();
  private readonly podFaces: Map<string, Face>;
  private spaFace: Face | undefined;
  private readonly rejections: RejectionView[] = [];
  private retryAt = 0;
  private spaAnswering = false;
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private lastAdvertised = '';
  private running = false;

  constructor(private readonly o: RegistrarOptions) {
    this.backoff = new Backoff({ random: o.random ?? Math.random });
    for (const [pod, k] of Object.entries(o.podKeys)) this.podKeys.set(pod, publicKeyFromRaw(new Uint8Array(Buffer.from(k, 'base64'))));
    for (const [spa, k] of Object.entries(o.spaKeys)) this.spaKeys.set(spa, publicKeyFromRaw(new Uint8Array(Buffer.from(k, 'base64'))));
    this.podFaces = new Map(o.podFaces);
    this.spaFace = o.spaFace;
  }

  /** A link was deleted and made again (its peer's container restarted): use the new face. */
  replaceFace(face: Face): boolean {
    if (this.spaFace?.ifname === face.ifname) {
      this.spaFace = face;
      if (this.running) face.onReceive((b) => this.onSpaFrame(b));
      return true;
    }
    for (const [pod, f] of this.podFaces) {
      if (f.ifname !== face.ifname) continue;
      this.podFaces.set(pod, face);
      if (this.running) face.onReceive((b) => this.onPodFrame(pod, b));
      return true;
    }
    return false;
  }

  private get now(): number {
    return this.o.scheduler.now();
  }

  private get renewWithinMs(): number {
    return (this.o.timers.grantLifetimeS * 1000) / 3;
  }

  start(): void {
    this.running = true;
    if (!this.spaFace) this.o.log.warn({ event: 'no-spa' }, 'this SG has no link to an SPA: it will advertise none of its pods\' prefixes (link a damc-spa to it)');
    for (const [pod, f] of this.podFaces) f.onReceive((b) => this.onPodFrame(pod, b));
    this.spaFace?.onReceive((b) => this.onSpaFrame(b));
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    for (const f of this.podFaces.values()) f.onReceive(() => {});
    this.spaFace?.onReceive(() => {});
  }

  // ---------- class 1: pods ----------

  private onPodFrame(pod: string, bytes: Uint8Array): void {
    if (!this.running) return;
    const r = tryDecode(bytes);
    if (!r.ok) return void this.counters.decodeErrors++;
    const m = r.message;
    if (m.type !== 'prefix-announcement') {
      if (CLASS2.has(m.type)) this.counters.podClass2Ignored++;
      else this.counters.podOtherIgnored++;
      return;
    }
    if (podNodeOf(m.pod) !== pod) {
      this.counters.announceWrongPod++;
      this.o.log.warn({ event: 'announce-wrong-pod', pod, claimed: m.pod.toString() }, `announcement on ${pod}'s link claims to be from ${m.pod.toString()}`);
      return;
    }
    const key = this.podKeys.get(pod);
    if (!key || !verifyAnnouncement(m, key)) {
      this.counters.announceBadSignature++;
      this.o.log.warn({ event: 'announce-bad-signature', pod }, `announcement from ${pod} does not verify with its key`);
      this.notify(pod, { accepted: false, reason: 'bad-signature', reasonText: `the signature does not verify with ${pod}'s key`, prefixes: m.prefixes });
      return;
    }
    if (m.action === 'withdraw') {
      this.counters.withdrawRx++;
      this.table.withdraw(pod, m.prefixes);
      this.o.log.info({ event: 'withdraw', pod, prefixes: m.prefixes.map(String) }, `${pod} withdrew ${m.prefixes.length} prefixes`);
    } else {
      this.counters.announceRx++;
      this.table.announce(pod, m, this.now, this.o.timers.announceHoldMs);
    }
    this.sync();
  }

  private notify(pod: string, r: { accepted: boolean; reason?: AuthResponse['reason']; reasonText?: string; prefixes: readonly Name[] }): void {
    const face = this.podFaces.get(pod);
    if (!face) return;
    this.counters.resultTx++;
    face.send(encode({
      type: 'announcement-result', pod: Name.parse(`/damc/pod/${pod}`), accepted: r.accepted, prefixes: r.prefixes,
      ...(r.reason ? { reason: r.reason } : {}), ...(r.reasonText ? { reasonText: r.reasonText } : {}),
    }));
  }

  // ---------- class 3: the SPA ----------

  private onSpaFrame(bytes: Uint8Array): void {
    if (!this.running) return;
    const r = tryDecode(bytes);
    if (!r.ok) return void this.counters.decodeErrors++;
    if (r.message.type !== 'auth-response') return;
    const m = r.message;
    const req = this.inFlight.get(m.requestId);
    if (!req) {
      if (this.o.relayed?.(m)) return;
      return void this.counters.authUnknownResponse++;
    }
    this.spaAnswering = true;
    this.backoff.reset();
    const now = this.now;
    for (const p of m.prefixes) req.open.delete(p.key);
    if (req.open.size === 0) this.inFlight.delete(m.requestId);
    if (m.accepted) {
      const ok: Name[] = [];
      for (const g of m.grants ?? []) {
        const key = this.spaKeys.get(g.authority.key);
        if (!key || !g.gateway.equals(this.o.gateway) || g.expires <= now || !verifyGrant(g, key)) {
          this.counters.grantBad++;
          this.o.log.warn({ event: 'grant-bad', prefix: g.prefix.toString(), authority: g.authority.toString() }, `grant for ${g.prefix.toString()} does not check out; not advertised`);
          continue;
        }
        if (this.table.granted(g)) ok.push(g.prefix);
      }
      this.counters.authAccepted += ok.length;
      if (ok.length > 0) this.notify(req.pod, { accepted: true, prefixes: ok });
    } else {
      const reason = m.reason ?? 'other';
      const text = m.reasonText ?? '';
      for (const p of m.prefixes) this.table.rejected(p, reason, text, now);
      this.counters.authRejected += m.prefixes.length;
      this.rejections.push({ at: now, pod: req.pod, prefixes: m.prefixes.map(String), reason, text });
      if (this.rejections.length > 100) this.rejections.shift();
      this.o.log.warn({ event: 'auth-reject', pod: req.pod, prefixes: m.prefixes.map(String), reason, reasonText: text },
        `SPA rejected ${m.prefixes.map(String).join(', ')} of ${req.pod}: ${reason}${text ? ` (${text})` : ''}; not advertised`);
      this.notify(req.pod, { accepted: false, reason, reasonText: text, prefixes: m.prefixes });
    }
    this.sync();
  }

  /** Hands another node's auth request to this SG's SPA as it is (spa-relay.ts); false: no SPA. */
  sendToSpa(req: AuthRequest): boolean {
    if (!this.spaFace || !this.running) return false;
    return this.spaFace.send(encode(req));
  }

  private ask(a: PrefixAnnouncement, pod: string): void {
    const face = this.spaFace;
    if (!face) return;
    const requestId = randomBytes(8).readBigUInt64BE();
    this.inFlight.set(requestId, { announcement: a, pod, sentAt: this.now, open: new Set(a.prefixes.map((p) => p.key)) });
    this.counters.authRequestTx++;
    face.send(encode({ type: 'auth-request', requestId, gateway: this.o.gateway, announcement: a }));
  }

  // ---------- the one timer ----------

  /** Expires what is due, asks the SPA what needs asking, advertises what changed, sleeps until the next deadline. */
  sync(): void {
    if (!this.running) return;
    const now = this.now;
    const { withdrawn, grantsExpired } = this.table.expire(now);
    if (withdrawn.length > 0) {
      this.counters.podExpired += withdrawn.length;
      this.o.log.info({ event: 'announce-expired', prefixes: withdrawn.map(String) }, `${withdrawn.length} prefixes not refreshed by their pod; withdrawn`);
    }
    if (grantsExpired.length > 0) {
      this.counters.grantsExpired += grantsExpired.length;
      this.o.log.warn({ event: 'grant-expired', prefixes: grantsExpired.map(String) }, `${grantsExpired.length} grants expired unrenewed; no longer advertised`);
    }
    // Requests unanswered in time: the SPA is unreachable; retry after a backoff.
    let timedOut = false;
    for (const [id, f] of this.inFlight) {
      if (now - f.sentAt >= this.o.timers.authTimeoutMs) {
        this.inFlight.delete(id);
        timedOut = true;
      }
    }
    if (timedOut) {
      this.counters.authTimeouts++;
      const wait = this.backoff.next();
      this.retryAt = now + wait;
      if (this.spaAnswering || this.backoff.attempts === 1) this.o.log.warn({ event: 'spa-unreachable', retryInMs: wait }, `SPA did not answer within ${this.o.timers.authTimeoutMs} ms; nothing new is advertised; retrying in ${wait} ms`);
      this.spaAnswering = false;
    }
    if (now >= this.retryAt) {
      const asked = new Set([...this.inFlight.values()].map((f) => f.announcement));
      const askedPods = new Set<string>();
      for (const f of this.inFlight.values()) for (const k of f.open) askedPods.add(`${f.pod} ${k}`);
      for (const a of this.table.needingAuth(now, this.renewWithinMs)) {
        if (asked.has(a)) continue;
        const pod = podNodeOf(a.pod);
        if (a.prefixes.every((p) => askedPods.has(`${pod} ${p.key}`))) continue;
        this.ask(a, pod);
      }
    }
    const entries = this.table.advertised(now);
    const sig = entries.map((e) => `${e.prefix.key}@${e.grant!.expires}`).join(' ');
    if (sig !== this.lastAdvertised) {
      this.lastAdvertised = sig;
      this.o.advertise(entries);
    }
    this.schedule();
  }

  private schedule(): void {
    const now = this.now;
    let at = Math.min(this.table.nextDeadline(), this.table.nextRenewal(this.renewWithinMs));
    for (const f of this.inFlight.values()) at = Math.min(at, f.sentAt + this.o.timers.authTimeoutMs);
    if (this.retryAt > now && this.table.needingAuth(now, this.renewWithinMs).length > 0) at = Math.min(at, this.retryAt);
    at = Math.max(at, now + 1);
    if (at === Infinity || at === this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.scheduler.after(at - now, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.sync();
    });
  }

  // ---------- views ----------

  view(): { gateway: string; spaAnswering: boolean; retryInMs: number; prefixes: PrefixView[]; rejections: RejectionView[]; counters: RegistrarCounters } {
    const now = this.now;
    return {
      gateway: this.o.gateway.toString(), spaAnswering: this.spaAnswering, retryInMs: Math.max(0, this.retryAt - now),
      prefixes: this.table.view(now), rejections: [...this.rejections], counters: { ...this.counters },
    };
  }
}
