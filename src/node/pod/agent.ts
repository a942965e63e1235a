/**
 * The pod's announcement agent (class 1): announces to its SG each instance that is up
 * (/B/4) and its service (/B), signed with the pod's key, refreshes them every refresh
 * interval, and withdraws an instance that stops (and its service with its last instance).
 * The SG's answers (announcement-result) are logged: a reject is the pod's failure notice.
 * The pod program tells it which instances are up (instanceUp/instanceDown); by default the
 * instances the topology declares.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Server } from 'node:net';
import type { Face } from '../../face/face.js';
import { interfaceState, openFace } from '../../face/index.js';
import type { Scheduler, Timer } from '../../routing/clock.js';
import { chunkBySize } from '../../service/index.js';
import type { Logger } from '../../util/log.js';
import { encode, rawPublicKey, signAnnouncement, tryDecode, type AnnouncementAction } from '../../wire/index.js';
import { Name } from '../../wire/name.js';
import { AGENT_SOCKET, DEFAULT_SERVICE_TIMERS, type NodeConfig } from '../config.js';
import { serveControl, type ControlRequest } from '../control-server.js';
import { realScheduler } from '../real-scheduler.js';
import { waitForInterfaces } from '../router-main.js';

export interface AgentDeps {
  /** The face on the pod–SG link. */
  face: Face;
  scheduler: Scheduler;
  log: Logger;
  /** Instances up at start ("B/4"); default: what the topology declares (cfg.podInstances). */
  instances?: readonly string[];
  controlPath?: string;
}

export interface AgentPrefixView { prefix: string; status: 'announced' | 'accepted' | 'rejected'; reason?: string; reasonText?: string }

/** Room in a frame for the announcement's fixed part: pod name, key, timestamp, signature, headers. */
const ANNOUNCEMENT_OVERHEAD = 300; // and the SG's auth-request wraps it: keep that within a frame too

export class PodAgent {
  readonly counters = { announceTx: 0, refreshTx: 0, withdrawTx: 0, acceptedRx: 0, rejectedRx: 0, otherIgnored: 0, decodeErrors: 0 };
  private readonly key: KeyObject;
  private readonly pod: Name;
  private readonly up = new Set<string>();
  private readonly status = new Map<string, AgentPrefixView>();
  private timer: Timer | undefined;
  private control: Server | undefined;
  private running = false;

  constructor(private readonly cfg: NodeConfig, private readonly deps: AgentDeps) {
    this.key = createPrivateKey(cfg.privateKeyPem);
    this.pod = Name.parse(cfg.routerName);
    for (const i of deps.instances ?? cfg.podInstances ?? []) this.up.add(i);
  }

  private get refreshMs(): number {
    return (this.cfg.serviceTimers ?? DEFAULT_SERVICE_TIMERS).announceRefreshMs;
  }

  async start(): Promise<void> {
    this.running = true;
    this.deps.face.onReceive((b) => this.onFrame(b));
    this.deps.log.info({ pod: this.cfg.routerName, instances: [...this.up], iface: this.deps.face.ifname }, 'announcement agent starting');
    this.send('announce', this.prefixes());
    this.arm();
    if (this.deps.controlPath) this.control = await serveControl(this.deps.controlPath, (r) => this.handle(r));
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.deps.face.onReceive(() => {});
    this.control?.close();
  }

  /** An instance started: announced at once. */
  instanceUp(instance: string): void {
    this.instancesUp([instance]);
  }

  /** Several instances started: one announcement for all of them. */
  instancesUp(instances: readonly string[]): void {
    const fresh = instances.filter((i) => !this.up.has(i));
    if (fresh.length === 0) return;
    for (const i of fresh) this.up.add(i);
    this.deps.log.info({ event: 'instance-up', instances: fresh.slice(0, 20), count: fresh.length }, `${fresh.length} instance(s) up (${fresh[0]}${fresh.length > 1 ? ', …' : ''}); announcing`);
    this.send('announce', this.prefixes());
  }

  /** An instance stopped: its prefix (and its service's, if it was the last) withdrawn at once. */
  instanceDown(instance: string): void {
    if (!this.up.delete(instance)) return;
    const still = new Set(this.prefixes().map((p) => p.key));
    const gone = prefixesOf(instance).filter((p) => !still.has(p.key));
    for (const p of gone) this.status.delete(p.toString());
    this.deps.log.info({ event: 'instance-down', instance, withdrawn: gone.map(String) }, `instance ${instance} stopped; withdrawing ${gone.map(String).join(', ')}`);
    if (gone.length > 0) this.send('withdraw', gone);
  }

  /** /X/n and /X for each instance X/n that is up, in name order. */
  prefixes(): Name[] {
    const out = new Map<string, Name>();
    for (const i of this.up) for (const p of prefixesOf(i)) out.set(p.key, p);
    return [...out.values()].sort((a, b) => a.compare(b));
  }

  /**
   * Refreshes every refresh interval; the first few come sooner (250 ms, doubling), so that an
   * announcement sent before the SG's program was listening is not a whole interval late.
   */
  private arm(delayMs = Math.min(250, this.refreshMs)): void {
    this.timer = this.deps.scheduler.after(delayMs, () => {
      if (!this.running) return;
      this.send('refresh', this.prefixes());
      this.arm(Math.min(delayMs * 2, this.refreshMs));
    });
  }

  private send(action: AnnouncementAction, prefixes: readonly Name[]): void {
    if (!this.running || prefixes.length === 0) return;
    const budget = this.deps.face.mtu - ANNOUNCEMENT_OVERHEAD;
    const now = Math.round(this.deps.scheduler.now()); // the wire carries whole milliseconds
    for (const run of chunkBySize(prefixes, (p) => p.components.reduce((s, c) => s + c.length + 4, 4), budget)) {
      const a = signAnnouncement({ type: 'prefix-announcement', action, pod: this.pod, prefixes: run, publicKey: rawPublicKey(this.key), timestamp: now }, this.key);
      this.deps.face.send(encode(a));
      if (action === 'announce') this.counters.announceTx++;
      else if (action === 'refresh') this.counters.refreshTx++;
      else this.counters.withdrawTx++;
    }
    if (action !== 'withdraw') for (const p of prefixes) if (!this.status.has(p.toString())) this.status.set(p.toString(), { prefix: p.toString(), status: 'announced' });
  }

  private onFrame(bytes: Uint8Array): void {
    const r = tryDecode(bytes);
    if (!r.ok) return void this.counters.decodeErrors++;
    const m = r.message;
    if (m.type !== 'announcement-result') return void this.counters.otherIgnored++;
    const names = m.prefixes.map(String);
    if (m.accepted) {
      this.counters.acceptedRx++;
      for (const p of names) this.status.set(p, { prefix: p, status: 'accepted' });
      this.deps.log.info({ event: 'accepted', prefixes: names }, `SG advertises ${names.join(', ')}`);
    } else {
      this.counters.rejectedRx++;
      for (const p of names) {
        this.status.set(p, { prefix: p, status: 'rejected', ...(m.reason ? { reason: m.reason } : {}), ...(m.reasonText ? { reasonText: m.reasonText } : {}) });
      }
      this.deps.log.warn({ event: 'rejected', prefixes: names, reason: m.reason, reasonText: m.reasonText }, `not advertised: ${names.join(', ')}: ${m.reason ?? 'other'}${m.reasonText ? ` (${m.reasonText})` : ''}`);
    }
  }

  handle(req: ControlRequest): unknown {
    switch (req.cmd) {
      case 'announcements':
        return this.view();
      case 'instance-start':
      case 'instance-stop': {
        const list = Array.isArray(req.instances) ? req.instances.map(String) : [String(req.instance ?? '')];
        for (const i of list) if (!/^[^/]+\/[^/]+$/.test(i)) throw new Error(`instance "${i}" is not of the form X/n (e.g. B/4)`);
        if (req.cmd === 'instance-start') this.instancesUp(list);
        else for (const i of list) this.instanceDown(i);
        return this.view();
      }
      default:
        throw new Error(`unknown command "${req.cmd}"; commands: announcements, instance-start, instance-stop`);
    }
  }

  view(): { pod: string; instances: string[]; prefixes: AgentPrefixView[]; counters: PodAgent['counters'] } {
    const live = new Set(this.prefixes().map(String));
    return {
      pod: this.cfg.routerName, instances: [...this.up].sort(),
      prefixes: [...this.status.values()].filter((v) => live.has(v.prefix)).sort((a, b) => (a.prefix < b.prefix ? -1 : 1)),
      counters: { ...this.counters },
    };
  }
}

export function prefixesOf(instance: string): Name[] {
  const [service] = instance.split('/');
  return [Name.parse(`/${instance}`), Name.parse(`/${service}`)];
}

/**
 * Starts the agent in a pod container on its link to the SG. The pod program calls this with
 * its config and logger, then instanceUp/instanceDown as its instances start and stop.
 */
export async function runAgent(cfg: NodeConfig, log: Logger, o: { instances?: readonly string[]; controlPath?: string } = {}): Promise<PodAgent | undefined> {
  const link = cfg.interfaces.find((i) => i.peerKind === 'damc-sg');
  if (!link) {
    log.warn({ interfaces: cfg.interfaces.map((i) => i.name) }, 'no link to an SG: nothing to announce to');
    return undefined;
  }
  await waitForInterfaces([link.name], log);
  interfaceState(link.name);
  const agent = new PodAgent(cfg, {
    face: openFace(link.name), scheduler: realScheduler, log, controlPath: o.controlPath ?? AGENT_SOCKET,
    ...(o.instances ? { instances: o.instances } : {}),
  });
  await agent.start();
  return agent;
}
