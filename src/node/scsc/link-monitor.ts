/**
 * Routers (SGs and SRs) measure their adjacencies and report the figures to the SCSC, which
 * weights its QoS Dijkstra with them (src/scheduling/qos-paths.ts).
 *
 * Every probe period each router sends each two-way neighbor one small request, named
 * <neighbor>/link-probe, straight out of the link's interface with hop limit 1; the neighbor
 * answers on the interface it came in on, so the round trip is that link's, both directions,
 * whatever the FIB says. No signature, no payload: a probe costs two ~80-byte frames. Figures
 * (median RTT, loss) are in src/scheduling/link-stats.ts; every telemetry period the notable
 * ones (and ones that just stopped being notable) go to /damc/scsc as class 4 telemetry, in-band
 * by name, with the router as reporter and the neighbor as target.
 *
 * Cheap when it does not matter: routers of a lab without an SCSC never probe (no timer at all),
 * and with the SCSC unreachable (no route to /damc/scsc) a tick does nothing; a healthy fabric
 * sends no reports. Every router, the SCSC's stub included, answers probes.
 */
import { randomBytes } from 'node:crypto';
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { LinkStats } from '../../scheduling/link-stats.js';
import type { Message } from '../../wire/messages.js';
import { encode } from '../../wire/index.js';
import { Name } from '../../wire/name.js';
import { SCSC_PREFIX } from './names.js';

export const LINK_PROBE = 'link-probe';
export const LINK_REPORT_MS = 1000;
/** Samples per report (one segment). */
const MAX_SAMPLES = 24;

const PROBE_COMPONENT = new TextEncoder().encode(LINK_PROBE);

function isProbeName(n: Name): boolean {
  const last = n.get(n.length - 1);
  return n.length >= 2 && last !== undefined && last.length === PROBE_COMPONENT.length && last.every((b, i) => b === PROBE_COMPONENT[i]);
}

export type SendOn = (iface: string, msg: Message) => boolean;

export class LinkMonitor {
  readonly stats = new LinkStats();
  readonly counters = { probesTx: 0, probesAnswered: 0, probesRx: 0, linkReports: 0 };
  private readonly probeName: Name;
  private timer: Timer | undefined;
  private nextId: bigint;
  private lastReport = -Infinity;

  /** `periodMs` undefined: answer probes only (no SCSC in the lab, or this is the SCSC). */
  constructor(private readonly core: RouterCore, private readonly scheduler: Scheduler, private readonly sendOn: SendOn, private readonly periodMs: number | undefined) {
    this.probeName = core.name.append(LINK_PROBE);
    this.nextId = randomBytes(8).readBigUInt64BE() & ((1n << 62n) - 1n);
  }

  start(): void {
    if (this.periodMs === undefined) return;
    const tick = () => {
      this.tick();
      this.timer = this.scheduler.after(this.periodMs!, tick);
    };
    this.timer = this.scheduler.after(this.periodMs, tick);
  }

  stop(): void {
    this.timer?.cancel();
  }

  tick(): void {
    if (!this.core.fib().lpm(SCSC_PREFIX)) return;
    const now = this.scheduler.now();
    this.stats.expire(now);
    const links = this.core.neighbors().filter((n) => n.twoWay).map((n) => ({ iface: n.iface, neighbor: n.router }));
    this.stats.retain(links);
    for (const l of links) {
      const id = this.nextId++;
      this.stats.sent(l.iface, l.neighbor, id, now);
      this.counters.probesTx++;
      this.sendOn(l.iface, {
        type: 'request', name: l.neighbor.append(LINK_PROBE), requester: this.core.name, requestId: id,
        hopLimit: 1, segIndex: 0, segCount: 1, payload: new Uint8Array(),
      });
    }
    if (now - this.lastReport >= LINK_REPORT_MS - 1) {
      this.lastReport = now;
      this.report(now);
    }
  }

  private report(now: number): void {
    const entries = this.stats.report(now);
    for (let i = 0; i < entries.length; i += MAX_SAMPLES) {
      this.counters.linkReports++;
      this.core.originateData({
        type: 'request', name: SCSC_PREFIX, requester: this.core.name, requestId: randomBytes(8).readBigUInt64BE(), hopLimit: 32, segIndex: 0, segCount: 1,
        payload: encode({ type: 'qos-telemetry', reporter: this.core.name, time: Math.floor(now), entries: entries.slice(i, i + MAX_SAMPLES) }),
      });
    }
  }

  /** A probe to answer or an answer to ours (true), else false. */
  receive(p: DataPacket, fromIface: string | undefined): boolean {
    if (p.type === 'request') {
      if (!p.name.equals(this.probeName)) return false;
      this.counters.probesRx++;
      if (fromIface !== undefined) {
        this.sendOn(fromIface, { type: 'response', name: p.name, requester: p.requester, requestId: p.requestId, hopLimit: 1, segIndex: 0, segCount: 1, payload: new Uint8Array(), status: 200 });
      }
      return true;
    }
    if (p.type !== 'response' || !isProbeName(p.name) || !p.requester.equals(this.core.name)) return false;
    if (this.stats.answered(p.requestId, this.scheduler.now())) this.counters.probesAnswered++;
    return true;
  }
}
