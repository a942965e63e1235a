/**
 * The SCSC asks an SPA for /damc/scsc like any prefix, then originates it with the grant
 * attached (every router checks it, as for an SG's prefixes). It has no SPA link: the request
 * goes in-band to an SG that has one (the node config's spaVia, the nearest the FIB reaches,
 * the next one after a timeout), which relays it (sg/spa-relay.ts). The announcement is the
 * SCSC's own, signed with its key; the grant names the SCSC as the gateway. Fail closed: no
 * grant, no /damc/scsc (SGs then count their telemetry as unroutable; the data plane never
 * needed the SCSC). It asks again when a third of the grant's life is left, and withdraws the
 * prefix if the grant runs out.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import type { Logger } from '../../util/log.js';
import { encode, publicKeyFromRaw, rawPublicKey, signAnnouncement, tryDecode, verifyGrant, type Grant, type PrefixEntry } from '../../wire/index.js';
import { Name } from '../../wire/name.js';
import { DEFAULT_SERVICE_TIMERS, type NodeConfig } from '../config.js';
import { SCSC_PREFIX, spaRelayName } from './names.js';

const RETRY_MS = 250;
const RENEW_CHECK_MS = 1000;

export class ScscGrant {
  readonly counters = { authRequestTx: 0, granted: 0, rejected: 0, grantBad: 0, timeouts: 0, noRoute: 0, expired: 0 };
  private readonly key: KeyObject;
  private readonly spaKeys = new Map<string, KeyObject>();
  private readonly via: Name[];
  private grant: { grant: Grant; at: number } | undefined;
  private inFlight: { id: bigint; via: Name; at: number } | undefined;
  private turn = 0;
  private timer: Timer | undefined;
  private lastReject = '';

  constructor(private readonly cfg: NodeConfig, private readonly core: RouterCore, private readonly scheduler: Scheduler, private readonly log: Logger,
    private readonly advertise: (entries: PrefixEntry[]) => void) {
    this.key = createPrivateKey(cfg.privateKeyPem);
    for (const [spa, k] of Object.entries(cfg.spaKeys ?? {})) this.spaKeys.set(spa, publicKeyFromRaw(new Uint8Array(Buffer.from(k, 'base64'))));
    this.via = (cfg.spaVia ?? []).map((v) => Name.parse(v));
    if (this.via.length === 0) log.warn({ event: 'no-spa' }, 'no SG with an SPA in this lab: /damc/scsc will not be advertised (link a damc-spa to an SG)');
  }

  private get timeoutMs(): number {
    return (this.cfg.serviceTimers ?? DEFAULT_SERVICE_TIMERS).authTimeoutMs;
  }

  start(): void {
    const tick = () => {
      this.tick();
      this.timer = this.scheduler.after(this.grant ? RENEW_CHECK_MS : RETRY_MS, tick);
    };
    this.timer = this.scheduler.after(0, tick);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** The grant held now (for views and tests). */
  get held(): Grant | undefined {
    return this.grant?.grant;
  }

  tick(): void {
    const now = Math.floor(this.scheduler.now());
    const g = this.grant;
    if (g && g.grant.expires <= now) {
      this.counters.expired++;
      this.grant = undefined;
      this.advertise([]);
      this.log.warn({ event: 'grant-expired', prefix: SCSC_PREFIX.toString() }, 'grant for /damc/scsc expired: withdrawn until an SPA grants it again');
    }
    if (this.grant && this.grant.grant.expires - now > (this.grant.grant.expires - this.grant.at) / 3) return;
    if (this.inFlight && now - this.inFlight.at < this.timeoutMs) return;
    if (this.inFlight) {
      this.counters.timeouts++;
      this.turn++;
      this.inFlight = undefined;
    }
    // Nearest first (fewest hops for the relay), the next one after each timeout.
    const fib = this.core.fib();
    const reachable = this.via.flatMap((v) => {
      const hit = fib.lpm(v);
      return hit && !hit.value.local ? [{ v, cost: hit.value.cost }] : [];
    }).sort((a, b) => a.cost - b.cost || a.v.compare(b.v)).map((x) => x.v);
    if (reachable.length === 0) return void this.counters.noRoute++;
    const via = reachable[this.turn % reachable.length]!;
    const id = randomBytes(8).readBigUInt64BE();
    const announcement = signAnnouncement({
      type: 'prefix-announcement', action: 'announce', pod: this.core.name, prefixes: [SCSC_PREFIX], publicKey: rawPublicKey(this.key), timestamp: now,
    }, this.key);
    this.inFlight = { id, via, at: now };
    this.counters.authRequestTx++;
    this.core.originateData({
      type: 'request', name: spaRelayName(via), requester: this.core.name, requestId: randomBytes(8).readBigUInt64BE(), hopLimit: 32, segIndex: 0, segCount: 1,
      payload: encode({ type: 'auth-request', requestId: id, gateway: this.core.name, announcement }),
    });
  }

  /** An SPA's answer relayed back (true), else false. */
  receive(p: DataPacket): boolean {
    if (p.type !== 'response' || !p.requester.equals(this.core.name) || !this.inFlight || !p.name.equals(spaRelayName(this.inFlight.via))) return false;
    const d = tryDecode(p.payload);
    if (!d.ok || d.message.type !== 'auth-response' || d.message.requestId !== this.inFlight.id) return true;
    const m = d.message;
    const now = Math.floor(this.scheduler.now());
    if (!m.accepted) {
      this.counters.rejected++;
      const text = `${m.reason ?? 'other'}${m.reasonText ? ` (${m.reasonText})` : ''}`;
      if (text !== this.lastReject) this.log.warn({ event: 'auth-reject', reason: m.reason, reasonText: m.reasonText }, `SPA refused /damc/scsc: ${text}; not advertised`);
      this.lastReject = text;
      return true; // asked again after the timeout, through the next SG
    }
    const g = (m.grants ?? []).find((x) => x.prefix.equals(SCSC_PREFIX));
    const key = g && this.spaKeys.get(g.authority.key);
    if (!g || !key || !g.gateway.equals(this.core.name) || g.expires <= now || !verifyGrant(g, key)) {
      this.counters.grantBad++;
      this.log.warn({ event: 'grant-bad' }, 'grant for /damc/scsc does not check out; not advertised');
      return true;
    }
    this.inFlight = undefined;
    this.lastReject = '';
    const renewed = this.grant !== undefined;
    this.grant = { grant: g, at: now };
    this.counters.granted++;
    this.advertise([{ prefix: SCSC_PREFIX, cost: 0, grant: g }]);
    this.log.info({ event: 'granted', prefix: SCSC_PREFIX.toString(), authority: g.authority.toString(), via: this.cfg.routerNodes[p.name.prefix(p.name.length - 1).key] ?? '', expires: g.expires },
      renewed ? 'grant for /damc/scsc renewed' : 'granted /damc/scsc: advertising it');
    return true;
  }
}
