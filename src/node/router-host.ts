/**
 * A RouterCore joined to faces, a carrier watcher and a scheduler: frames are decoded into
 * messages (malformed ones counted and dropped), messages encoded into frames, and the core's
 * timers driven by one periodic tick. The same host runs over raw AF_PACKET faces in a
 * container and over memory links in virtual time in the tests.
 */
import type { Face, LinkWatcher } from '../face/face.js';
import type { Scheduler, Timer } from '../routing/clock.js';
import { FastForwarder } from '../routing/fast-forward.js';
import { RouterCore, type RouterCoreOptions } from '../routing/router.js';
import type { RouterEvent } from '../routing/types.js';
import { encode, tryDecode } from '../wire/index.js';

export interface RouterHostOptions extends Omit<RouterCoreOptions, 'send' | 'clock' | 'interfaces'> {
  readonly scheduler: Scheduler;
  /** Faces on links to other routers: the routing protocol runs on these. */
  readonly faces: readonly Face[];
  /**
   * Faces on links whose peer is not a router (pods, linux nodes): data may come in on them,
   * routing messages never reach the core from them (counted as routingOffFabric).
   */
  readonly edgeFaces?: readonly Face[];
  readonly costs: Readonly<Record<string, number>>;
  readonly watcher?: LinkWatcher;
  /** Finest timer granularity in ms (default 1). */
  readonly tickMs?: number;
}

export class RouterHost {
  readonly core: RouterCore;
  private readonly faces = new Map<string, Face>();
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private running = false;
  private soonPending = false;
  private helloCheckAt = -Infinity;
  /** Core reports held while its work runs (see step()). */
  private holding = false;
  private held: RouterEvent[] = [];
  encodeErrors = 0;
  /** Per LSA its last encoding, with the remaining lifetime it carries (that changes as it ages). */
  private readonly lsaBytes = new WeakMap<object, { remainingS: number | undefined; bytes: Uint8Array }>();
  /** Received data packets in the common case go out as they came, hop limit decremented. */
  private readonly fast: FastForwarder;

  constructor(private readonly o: RouterHostOptions) {
    for (const f of o.faces) this.faces.set(f.ifname, f);
    this.core = new RouterCore({
      ...o,
      onEvent: (e) => {
        if (this.holding) this.held.push(e);
        else this.o.onEvent?.(e);
      },
      clock: o.scheduler,
      interfaces: o.faces.map((f) => ({ name: f.ifname, cost: o.costs[f.ifname] ?? 1 })),
      send: (iface, msg) => {
        const face = this.faces.get(iface);
        if (!face || !this.running) return false;
        let bytes: Uint8Array | undefined;
        try {
          // A flooded LSA goes out on several interfaces (and again on retransmission): encode it once.
          if (msg.type === 'lsa') {
            const c = this.lsaBytes.get(msg.lsa);
            if (c && c.remainingS === msg.remainingS) bytes = c.bytes;
          }
          if (!bytes) {
            bytes = encode(msg);
            if (msg.type === 'lsa') this.lsaBytes.set(msg.lsa, { remainingS: msg.remainingS, bytes });
          }
        } catch {
          this.encodeErrors++;
          return false;
        }
        return face.send(bytes);
      },
    });
    this.fast = new FastForwarder(() => this.core.forwardingFib(), this.core.counters, (iface, bytes) => this.running && (this.faces.get(iface)?.send(bytes) ?? false));
  }

  private attach(f: Face): void {
    f.onReceive((payload) => {
      if (!this.running) return;
      // Faces hand over bytes nobody else holds (a fresh batch buffer, a memory link's copy).
      if (this.fast.forward(payload)) return;
      const r = tryDecode(payload);
      if (!r.ok) {
        this.core.counters.decodeErrors++;
        return;
      }
      // Data packets never bring deadlines closer nor report anything (keep them cheap).
      const t = r.message.type;
      if (t === 'request' || t === 'response' || t === 'nack') return this.core.receive(f.ifname, r.message);
      this.step(() => this.core.receive(f.ifname, r.message));
      this.reschedule();
      this.hellosInBacklog();
    });
  }

  /**
   * A starved router can spend seconds on one batch of queued input (thousands of LSAs, each
   * verified) before its timers run: every 50 ms of that, the Hellos that fell due go out, so
   * its neighbors do not take it for dead while it works through the backlog.
   */
  private hellosInBacklog(): void {
    const now = this.o.scheduler.now();
    if (now < this.helloCheckAt) return;
    this.helloCheckAt = now + 50;
    this.core.sendDueHellos();
  }

  /**
   * Runs one piece of core work; if it reported something (a log line to write), the frames
   * it queued go to the kernel first, then the reports: a log write wakes the container's log
   * reader, which can take this process's CPU for milliseconds on a busy machine, and the
   * flood must not wait behind that. Then a due SPF, after the frames, before the reports.
   */
  private step(work: () => void, spf = false): void {
    this.holding = true;
    try {
      work();
    } finally {
      this.holding = false;
    }
    if (this.held.length > 0 || spf) this.flushFaces();
    if (spf) this.core.runDueSpf();
    const events = this.held;
    if (events.length === 0) return;
    this.held = [];
    for (const e of events) this.o.onEvent?.(e);
  }

  private flushFaces(): void {
    for (const f of this.faces.values()) (f as Face & { flush?: () => void }).flush?.();
  }

  private tickNow(lateMs = 0): void {
    this.step(() => this.core.tick(false, lateMs), true);
  }

  /** What we originate changed (an SG's granted prefixes): originated through the core's backoff. */
  setPrefixes(prefixes: Parameters<RouterCore['setPrefixes']>[0]): void {
    if (!this.running) return void this.core.setPrefixes(prefixes);
    this.step(() => this.core.setPrefixes(prefixes));
    this.reschedule();
  }

  /** Swaps in a new face for an interface that was deleted and created again (a neighbor's container restarted). */
  replaceFace(face: Face): void {
    this.faces.set(face.ifname, face);
    if (this.running) this.attach(face);
  }

  face(ifname: string): Face | undefined {
    return this.faces.get(ifname);
  }

  start(): void {
    this.running = true;
    for (const f of this.faces.values()) this.attach(f);
    for (const f of this.o.edgeFaces ?? []) this.attach(f);
    this.o.watcher?.onChange((ifname, up) => this.linkChange(ifname, up));
    this.step(() => this.core.start());
    this.reschedule();
  }

  /** Carrier change of an interface (from the watcher, or found at start). */
  linkChange(ifname: string, up: boolean): void {
    if (!this.running) return;
    this.step(() => this.core.linkChange(ifname, up));
    this.reschedule();
  }

  /**
   * Sleeps until the core's next deadline (hello, dead neighbor, retransmission, SPF hold,
   * refresh, expiry) rather than ticking at a fixed rate: a quiet router wakes ~10 times a
   * second, which matters with 50 routers on two cores. `tickMs` is the finest granularity.
   *
   * Work due at once (the SPF a new LSA asks for when quiet, an origination, hellos on carrier
   * up) runs in this same event-loop turn instead, right after the frames the input queued have
   * gone to the kernel: a timer, however short, means sleeping and then waiting in the kernel's
   * run queue a second time, which with 50 routers on 2 cores was 10–25 ms per router during a
   * flood. Only once per input: what that tick cannot clear (a held origination) waits for the timer.
   */
  reschedule(afterSoonTick = false): void {
    if (!this.running) return;
    const now = this.o.scheduler.now();
    const next = this.core.nextWakeup();
    if (next <= now && !afterSoonTick) {
      if (this.soonPending) return;
      this.soonPending = true;
      const run = () => {
        this.soonPending = false;
        if (!this.running) return;
        this.tickNow();
        this.reschedule(true);
      };
      if (this.o.scheduler.soon) this.o.scheduler.soon(run);
      else this.o.scheduler.after(0, run);
      return;
    }
    const gran = this.o.tickMs ?? 1;
    const at = Math.max(next, now + gran);
    if (at === Infinity || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.scheduler.after(at - now, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      if (!this.running) return;
      // How late this timer fired is how long this process could not read its sockets: the
      // core forgives neighbors that much silence. And the tick runs after the input that is
      // waiting now (setImmediate comes after the poll phase), so a Hello that arrived while we
      // were stalled is seen before anyone is declared dead.
      const lateMs = Math.max(0, this.o.scheduler.now() - at);
      // Our Hellos, though, leave now, ahead of that input: on a starved machine the input
      // behind them can take this process seconds, and our neighbors must not go without them.
      this.core.sendDueHellos();
      this.flushFaces();
      const run = () => {
        if (!this.running) return;
        this.tickNow(lateMs);
        this.reschedule(true);
      };
      if (this.o.scheduler.soon) this.o.scheduler.soon(run);
      else run();
    });
  }

  /** Graceful stop flushes our LSAs; `crash` just goes silent, as a killed process would. */
  stop(opts: { crash?: boolean } = {}): void {
    if (!this.running) return;
    if (!opts.crash) this.core.shutdown();
    this.running = false;
    this.timer?.cancel();
    for (const f of [...this.faces.values(), ...(this.o.edgeFaces ?? [])]) f.onReceive(() => {});
  }
}
