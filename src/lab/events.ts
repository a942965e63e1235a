/**
 * Pure: the lab's routing events as `lab watch` shows them. Sources are the routers' JSON log
 * lines (pino, via `docker logs`) and each node's `ip -ts -o monitor link` lines; this file
 * turns lines into events, merges the streams in time order (a short hold lets a late line
 * from another source slot in), times each burst relative to its first event, and closes a
 * burst with a summary ("last FIB change at t+7.1 ms") once the lab has been quiet.
 */
export type WatchEventType = 'link' | 'adjacency' | 'spf' | 'lsa' | 'lsa-drop' | 'router' | 'summary';

export interface WatchEvent {
  /** ms since the Unix epoch (fractional). */
  time: number;
  node: string;
  type: WatchEventType;
  text: string;
  data: Record<string, unknown>;
}

/** "2026-12-01T08:30:00.123456789Z" (docker) → ms with the sub-millisecond part kept. */
export function parseIsoMs(s: string, utc = true): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z)?$/.exec(s);
  if (!m) return undefined;
  const base = Date.parse(m[1]! + (utc || m[3] ? 'Z' : ''));
  return Number.isNaN(base) ? undefined : base + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

interface RouterLog { event?: string; msg?: string; t?: number; [k: string]: unknown }

/** One `docker logs --timestamps` line of a router → an event, or undefined for other lines. */
export function parseRouterLine(node: string, line: string): WatchEvent | undefined {
  const sp = line.indexOf(' ');
  const stamp = sp > 0 ? parseIsoMs(line.slice(0, sp)) : undefined;
  const json = stamp === undefined ? line : line.slice(sp + 1);
  let j: RouterLog;
  try {
    j = JSON.parse(json) as RouterLog;
  } catch {
    return undefined;
  }
  const time = typeof j.t === 'number' ? j.t : stamp ?? (typeof j.time === 'string' ? parseIsoMs(j.time.replace(/Z$/, ''), true) : undefined);
  if (time === undefined) return undefined;
  const ev = (type: WatchEventType, text: string, data: Record<string, unknown>): WatchEvent => ({ time, node, type, text, data });
  switch (j.event) {
    case 'adjacency':
      return ev('adjacency', `adjacency ${j.up ? 'up' : 'down'}: ${String(j.neighbor)} on ${String(j.iface)} (${String(j.reason)})`,
        { iface: j.iface, neighbor: j.neighbor, up: j.up, reason: j.reason });
    case 'spf':
      return ev('spf', `spf ${Number(j.durationMs).toFixed(2)} ms: ${Number(j.fibChanges)} fib entries changed (${String(j.routes)} routes)`,
        { fibChanges: j.fibChanges, routes: j.routes, durationMs: j.durationMs, waitedMs: j.waitedMs });
    case 'originate':
      return ev('lsa', `originated ${String(j.kind)} LSA seq=${String(j.seq)}${j.lifetimeS === 0 ? ' (flush)' : ''}`, { kind: j.kind, seq: j.seq, lifetimeS: j.lifetimeS });
    case 'lsa-drop':
      return ev('lsa-drop', `lsa dropped on ${String(j.iface)}: ${String(j.reason)}`, { iface: j.iface, reason: j.reason, origin: j.origin });
    default:
      return j.msg === 'router starting' ? ev('router', 'router starting', {}) : undefined;
  }
}

/** Interface states seen so far ("node:iface" → "up" | "down" | "admin down"), for change detection. */
export type LinkSnapshot = Map<string, string>;

/**
 * One `ip -ts -o monitor link` line → an event when the interface's state changed (containerlab's
 * habit: only changes are events). `ifaces`: the node's lab interfaces (others are ignored).
 * `ip` prints local time.
 */
export function parseMonitorLine(node: string, line: string, ifaces: ReadonlySet<string>, snap: LinkSnapshot): WatchEvent | undefined {
  const m = /^\[([^\]]+)\]\s+(Deleted\s+)?\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?\bstate\s+(\S+)/.exec(line);
  if (!m) return undefined;
  const [, ts = '', deleted, iface = '', flagText = '', operstate = ''] = m;
  if (!ifaces.has(iface)) return undefined;
  const time = parseIsoMs(ts, false);
  if (time === undefined) return undefined;
  const flags = new Set(flagText.split(','));
  const state = deleted ? 'gone' : !flags.has('UP') ? 'admin down' : flags.has('NO-CARRIER') || operstate !== 'UP' ? 'down' : 'up';
  const key = `${node}:${iface}`;
  const before = snap.get(key);
  snap.set(key, state);
  if (before === state || (before === undefined && state === 'up')) return undefined;
  const text = state === 'up' ? `${key} carrier up` : state === 'gone' ? `${key} removed`
    : state === 'admin down' ? `${key} carrier down (set down here)`
      : before === 'admin down' ? `${key} set up, no carrier yet` : `${key} carrier down`;
  return { time, node, type: 'link', text, data: { iface, state, operstate: operstate.toLowerCase() } };
}

export interface MergerOptions {
  /** How long an event waits for earlier ones from slower sources. */
  holdMs: number;
  /** Quiet time that ends a burst (then the summary, and the next event is t+0 again). */
  gapMs: number;
}

export interface Timed { event: WatchEvent; relMs: number }

/** Orders events across sources and times them; the clock is the caller's (tests move it by hand). */
export class EventMerger {
  private pending: WatchEvent[] = [];
  private t0: number | undefined;
  private last = 0;
  private burst = { events: 0, fibChanges: 0, fibRouters: new Set<string>(), lastFib: undefined as WatchEvent | undefined };

  constructor(private readonly o: MergerOptions = { holdMs: 150, gapMs: 1500 }) {}

  push(e: WatchEvent): void {
    this.pending.push(e);
  }

  /** Events ready at `now`, in time order, with the burst summary when the lab went quiet. */
  tick(now: number): Timed[] {
    const out: Timed[] = [];
    this.pending.sort((a, b) => a.time - b.time);
    while (this.pending.length && this.pending[0]!.time <= now - this.o.holdMs) {
      const e = this.pending.shift()!;
      if (this.t0 !== undefined && e.time - this.last >= this.o.gapMs) out.push(...this.close());
      if (this.t0 === undefined) this.t0 = e.time;
      this.last = Math.max(this.last, e.time);
      this.burst.events++;
      if (e.type === 'spf' && Number(e.data.fibChanges) > 0) {
        this.burst.fibChanges += Number(e.data.fibChanges);
        this.burst.fibRouters.add(e.node);
        this.burst.lastFib = e;
      }
      out.push({ event: e, relMs: e.time - this.t0 });
    }
    if (this.t0 !== undefined && !this.pending.length && now - this.last >= this.o.gapMs) out.push(...this.close());
    return out;
  }

  private close(): Timed[] {
    const b = this.burst;
    const t0 = this.t0!;
    const out: Timed[] = [];
    if (b.events > 1 || b.lastFib) {
      const text = b.lastFib
        ? `last FIB change at t+${(b.lastFib.time - t0).toFixed(1)} ms (${b.lastFib.node}); ${b.fibChanges} fib entries changed on ${b.fibRouters.size} routers, ${b.events} events`
        : `${b.events} events, no FIB change`;
      out.push({
        event: { time: this.last, node: '-', type: 'summary', text, data: { events: b.events, fibChanges: b.fibChanges, routers: [...b.fibRouters].sort(), lastFibChangeMs: b.lastFib ? b.lastFib.time - t0 : null } },
        relMs: this.last - t0,
      });
    }
    this.t0 = undefined;
    this.burst = { events: 0, fibChanges: 0, fibRouters: new Set(), lastFib: undefined };
    return out;
  }
}

export function formatTimed(x: Timed): string {
  const t = `t+${x.relMs.toFixed(1).padStart(7)} ms`;
  return x.event.type === 'summary' ? `${t}  == ${x.event.text}\n` : `${t}  ${x.event.node.padEnd(6)} ${x.event.text}`;
}

export function timedJson(x: Timed): string {
  return JSON.stringify({ t: Number(x.relMs.toFixed(3)), time: new Date(x.event.time).toISOString(), node: x.event.node, type: x.event.type, text: x.event.text, ...x.event.data });
}
