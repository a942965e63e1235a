/**
 * A router's figures for each of its adjacencies, from its link probes (one small request per
 * neighbor per probe period, answered by the neighbor on the same link): RTT is the median of
 * the last few answers (one late answer does not move it), loss the share of the last probes
 * left unanswered past their deadline. Pure: the caller says when probes leave and answers come.
 *
 * What to report (class 4, to the SCSC): only notable links (RTT at least `notableRttUs`, or
 * any loss), plus one last report of a link that was notable at the previous report so the
 * SCSC clears it at once. A healthy fabric reports nothing; the SCSC treats an unreported link
 * as unpenalised (qos-paths.ts).
 */
import type { QosSample } from '../wire/messages.js';
import type { Name } from '../wire/name.js';

export interface LinkStatsOptions {
  /** Probes in the loss window. */
  readonly window: number;
  /** Answers the RTT median is over. */
  readonly rttOf: number;
  /** A probe unanswered this long is lost. */
  readonly deadlineMs: number;
  readonly notableRttUs: number;
}

export const DEFAULT_LINK_STATS: LinkStatsOptions = { window: 10, rttOf: 3, deadlineMs: 1000, notableRttUs: 10_000 };

interface Link {
  readonly neighbor: Name;
  readonly pending: Map<bigint, number>;
  /** Resolved probes, oldest first: RTT in ms, or undefined when lost. */
  readonly results: (number | undefined)[];
  reportedNotable: boolean;
}

export class LinkStats {
  private readonly links = new Map<string, Link>();
  private readonly byId = new Map<bigint, string>();

  constructor(private readonly o: LinkStatsOptions = DEFAULT_LINK_STATS) {}

  private static key(iface: string, neighbor: Name): string {
    return `${iface} ${neighbor.key}`;
  }

  sent(iface: string, neighbor: Name, id: bigint, now: number): void {
    const k = LinkStats.key(iface, neighbor);
    let l = this.links.get(k);
    if (!l) this.links.set(k, (l = { neighbor, pending: new Map(), results: [], reportedNotable: false }));
    l.pending.set(id, now);
    this.byId.set(id, k);
  }

  /** An answer; false when it is not one of ours (or came after its deadline, already counted lost). */
  answered(id: bigint, now: number): boolean {
    const k = this.byId.get(id);
    const l = k === undefined ? undefined : this.links.get(k);
    const at = l?.pending.get(id);
    if (!l || at === undefined) return false;
    l.pending.delete(id);
    this.byId.delete(id);
    this.push(l, now - at);
    return true;
  }

  /** Probes past their deadline count as lost. */
  expire(now: number): void {
    for (const l of this.links.values()) {
      for (const [id, at] of l.pending) {
        if (now - at < this.o.deadlineMs) continue;
        l.pending.delete(id);
        this.byId.delete(id);
        this.push(l, undefined);
      }
    }
  }

  /** Forgets links that are no longer adjacencies (`keep`: iface+neighbor keys still up). */
  retain(keep: readonly { iface: string; neighbor: Name }[]): void {
    const want = new Set(keep.map((x) => LinkStats.key(x.iface, x.neighbor)));
    for (const [k, l] of this.links) {
      if (want.has(k)) continue;
      for (const id of l.pending.keys()) this.byId.delete(id);
      this.links.delete(k);
    }
  }

  private push(l: Link, rtt: number | undefined): void {
    l.results.push(rtt);
    if (l.results.length > this.o.window) l.results.shift();
  }

  /** Every link's current figures (links with no resolved probe yet are left out). */
  samples(now: number): QosSample[] {
    const out: QosSample[] = [];
    for (const l of this.links.values()) {
      const s = this.sample(l, now);
      if (s) out.push(s);
    }
    return out;
  }

  private sample(l: Link, now: number): QosSample | undefined {
    if (l.results.length === 0) return undefined;
    const lost = l.results.filter((r) => r === undefined).length;
    const rtts = l.results.filter((r): r is number => r !== undefined).slice(-this.o.rttOf).sort((a, b) => a - b);
    // All lost: the RTT is at least the deadline.
    const rttMs = rtts.length ? rtts[Math.floor(rtts.length / 2)]! : this.o.deadlineMs;
    return {
      target: l.neighbor, rttUs: Math.round(rttMs * 1000), lossPpm: Math.round((lost / l.results.length) * 1e6),
      errorPpm: 0, healthy: true, samples: l.results.length, time: Math.floor(now),
    };
  }

  /** What to report now: the notable links, and those that were notable at the last report. */
  report(now: number): QosSample[] {
    const out: QosSample[] = [];
    for (const l of this.links.values()) {
      const s = this.sample(l, now);
      if (!s) continue;
      const notable = s.rttUs >= this.o.notableRttUs || s.lossPpm > 0;
      if (notable || l.reportedNotable) out.push(s);
      l.reportedNotable = notable;
    }
    return out;
  }
}
