/**
 * The SPA program: answers its SGs' authentication requests (class 3). For each announcement
 * the policy decides per prefix; accepted prefixes get a grant each (signed with the SPA's key,
 * naming the SG that asked and an expiry), rejected ones a reject with the reason, logged and
 * counted. An SG can only ask for itself: the gateway must be the SG on the link it asked on,
 * or the announcing node itself when it is its own gateway (the SCSC's /damc/scsc, relayed).
 * Faces and scheduler are passed in, so it runs in a container and in-process alike.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Server } from 'node:net';
import type { Face } from '../../face/face.js';
import type { Scheduler } from '../../routing/clock.js';
import { chunkBySize, issueGrant, podNodeOf, SpaPolicy } from '../../service/index.js';
import type { Logger } from '../../util/log.js';
import { encode, tryDecode, type AuthRequest, type AuthResponse, type Grant } from '../../wire/index.js';
import { Name } from '../../wire/name.js';
import { DEFAULT_SERVICE_TIMERS, type NodeConfig } from '../config.js';
import { serveControl, type ControlRequest } from '../control-server.js';

export const SPA_COUNTERS = ['requestRx', 'granted', 'rejected', 'requestWrongGateway', 'decodeErrors', 'otherIgnored', 'responseTx'] as const;
export type SpaCounters = Record<(typeof SPA_COUNTERS)[number], number>;

export interface SpaDeps {
  faces: readonly Face[];
  scheduler: Scheduler;
  log: Logger;
  controlPath?: string;
}

export interface GrantView { prefix: string; gateway: string; pod: string; expires: number }
export interface SpaRejectionView { at: number; gateway: string; pod: string; prefixes: string[]; reason: string; text: string }

/** Room left in a frame for the response's fixed part (type, id, flag, lengths). */
const RESPONSE_OVERHEAD = 64;

export class SpaNode {
  readonly counters: SpaCounters = Object.fromEntries(SPA_COUNTERS.map((c) => [c, 0])) as SpaCounters;
  private readonly key: KeyObject;
  private readonly name: Name;
  private readonly policy: SpaPolicy;
  /** Latest grant per (gateway, prefix). */
  private readonly grants = new Map<string, GrantView>();
  private readonly rejections: SpaRejectionView[] = [];
  private control: Server | undefined;

  constructor(private readonly cfg: NodeConfig, private readonly deps: SpaDeps) {
    this.key = createPrivateKey(cfg.privateKeyPem);
    this.name = Name.parse(cfg.routerName);
    this.policy = new SpaPolicy({ allow: cfg.spaPolicy ?? {}, podKeys: cfg.podKeys ?? {}, maxAgeMs: 10 * 60_000 });
  }

  private get timers() {
    return this.cfg.serviceTimers ?? DEFAULT_SERVICE_TIMERS;
  }

  async start(): Promise<void> {
    for (const f of this.deps.faces) {
      const peer = this.cfg.interfaces.find((i) => i.name === f.ifname);
      const sg = peer ? Name.parse(`/damc/router/${peer.peerNode}`) : undefined;
      f.onReceive((b) => this.onFrame(f, sg, b));
    }
    this.deps.log.info({ spa: this.cfg.routerName, interfaces: this.deps.faces.map((f) => f.ifname), policy: this.cfg.spaPolicy }, 'spa starting');
    if (this.deps.controlPath) this.control = await serveControl(this.deps.controlPath, (r) => this.handle(r));
  }

  stop(): void {
    for (const f of this.deps.faces) f.onReceive(() => {});
    this.control?.close();
  }

  private onFrame(face: Face, sg: Name | undefined, bytes: Uint8Array): void {
    const r = tryDecode(bytes);
    if (!r.ok) return void this.counters.decodeErrors++;
    if (r.message.type !== 'auth-request') return void this.counters.otherIgnored++;
    this.counters.requestRx++;
    for (const resp of this.answer(r.message, sg)) {
      this.counters.responseTx++;
      face.send(encode(resp));
    }
  }

  /** The responses to one request: grants in runs that fit the link's frames, then one reject. */
  answer(req: AuthRequest, sg: Name | undefined, mtu = Math.min(...this.deps.faces.map((f) => f.mtu), 9000)): AuthResponse[] {
    const now = this.deps.scheduler.now();
    const pod = podNodeOf(req.announcement.pod);
    const out: AuthResponse[] = [];
    // An SG asks for itself; the one other case is a node that is its own gateway (the SCSC,
    // which originates /damc/scsc itself), its request relayed by the SG (sg/spa-relay.ts): its
    // announcement is signed with its own key, checked below like a pod's.
    if (sg && !req.gateway.equals(sg) && !req.gateway.equals(req.announcement.pod)) {
      this.counters.requestWrongGateway++;
      return [this.reject(req, pod, 'not-authorized', `${req.gateway.toString()} is not the SG on this link (${sg.toString()})`, req.announcement.prefixes, now)];
    }
    const d = this.policy.decide(req.announcement, now);
    if (d.accepted.length > 0) {
      const expires = Math.round(now + this.timers.grantLifetimeS * 1000);
      const grants = d.accepted.map((p) => issueGrant(p, req.gateway, this.name, expires, this.key));
      for (const g of grants) this.grants.set(`${req.gateway.key} ${g.prefix.key}`, { prefix: g.prefix.toString(), gateway: req.gateway.toString(), pod, expires });
      this.counters.granted += grants.length;
      for (const run of chunkBySize<Grant>(grants, grantSize, mtu - RESPONSE_OVERHEAD)) {
        out.push({ type: 'auth-response', requestId: req.requestId, accepted: true, prefixes: run.map((g) => g.prefix), grants: run });
      }
    }
    if (d.rejected.length > 0) out.push(this.reject(req, pod, d.reason ?? 'other', d.reasonText ?? '', d.rejected, now));
    return out;
  }

  private reject(req: AuthRequest, pod: string, reason: NonNullable<AuthResponse['reason']>, text: string, prefixes: readonly Name[], now: number): AuthResponse {
    this.counters.rejected += prefixes.length;
    for (const p of prefixes) this.grants.delete(`${req.gateway.key} ${p.key}`);
    this.rejections.push({ at: now, gateway: req.gateway.toString(), pod, prefixes: prefixes.map(String), reason, text });
    if (this.rejections.length > 100) this.rejections.shift();
    this.deps.log.warn({ event: 'reject', gateway: req.gateway.toString(), pod, prefixes: prefixes.map(String), reason, reasonText: text },
      `rejected ${prefixes.map(String).join(', ')} for ${pod} via ${req.gateway.toString()}: ${reason}${text ? ` (${text})` : ''}`);
    return { type: 'auth-response', requestId: req.requestId, accepted: false, reason, reasonText: text, prefixes };
  }

  handle(req: ControlRequest): unknown {
    if (req.cmd === 'grants') return this.view();
    if (req.cmd === 'counters') return { spa: { ...this.counters }, interfaces: Object.fromEntries(this.deps.faces.map((f) => [f.ifname, f.counters()])) };
    throw new Error(`unknown command "${req.cmd}" (this is an SPA: it routes nothing); commands: grants, counters`);
  }

  view(): { spa: string; grants: GrantView[]; rejections: SpaRejectionView[]; counters: SpaCounters } {
    const now = this.deps.scheduler.now();
    const grants = [...this.grants.values()].filter((g) => g.expires > now).sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    return { spa: this.cfg.routerName, grants, rejections: [...this.rejections], counters: { ...this.counters } };
  }
}

/** A grant's encoded size, roughly: its names, expiry and signature plus TLV headers (prefix name twice: entry and grant). */
function grantSize(g: Grant): number {
  const nameLen = (n: Name) => n.components.reduce((s, c) => s + c.length + 4, 4);
  return 2 * nameLen(g.prefix) + nameLen(g.gateway) + nameLen(g.authority) + 12 + 68 + 12;
}
