/**
 * A RouterCore joined to faces, a carrier watcher and a scheduler: frames are decoded into
 * messages (malformed ones counted and dropped), messages encoded into frames, and the core's
 * timers driven by one periodic tick. The same host runs over raw AF_PACKET faces in a
 * container and over memory links in virtual time in the tests.
 */
import type { Face, LinkWatcher } from '../face/face.js';
import type { Scheduler, Timer } from '../routing/clock.js';
import { RouterCore, type RouterCoreOptions } from '../routing/router.js';
import { encode, tryDecode } from '../wire/index.js';

export interface RouterHostOptions extends Omit<RouterCoreOptions, 'send' | 'clock' | 'interfaces'> {
  readonly scheduler: Scheduler;
  readonly faces: readonly Face[];
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
  encodeErrors = 0;
  private readonly lsaBytes = new WeakMap<object, Uint8Array>();

  constructor(private readonly o: RouterHostOptions) {
    for (const f of o.faces) this.faces.set(f.ifname, f);
    this.core = new RouterCore({
      ...o,
      clock: o.scheduler,
      interfaces: o.faces.map((f) => ({ name: f.ifname, cost: o.costs[f.ifname] ?? 1 })),
      send: (iface, msg) => {
        const face = this.faces.get(iface);
        if (!face || !this.running) return false;
        let bytes: Uint8Array | undefined;
        try {
          // A flooded LSA goes out on several interfaces (and again on retransmission): encode it once.
          if (msg.type === 'lsa') bytes = this.lsaBytes.get(msg.lsa);
          if (!bytes) {
            bytes = encode(msg);
            if (msg.type === 'lsa') this.lsaBytes.set(msg.lsa, bytes);
          }
        } catch {
          this.encodeErrors++;
          return false;
        }
        return face.send(bytes);
      },
    });
  }

  private attach(f: Face): void {
    f.onReceive((payload) => {
      if (!this.running) return;
      const r = tryDecode(payload);
      if (!r.ok) {
        this.core.counters.decodeErrors++;
        return;
      }
      this.core.receive(f.ifname, r.message);
      // Control messages may bring deadlines closer; data packets never do (keep them cheap).
      const t = r.message.type;
      if (t !== 'request' && t !== 'response' && t !== 'nack') this.reschedule();
    });
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
    this.o.watcher?.onChange((ifname, up) => {
      if (!this.running) return;
      this.core.linkChange(ifname, up);
      this.reschedule();
    });
    this.core.start();
    this.reschedule();
  }

  /**
   * Sleeps until the core's next deadline (hello, dead neighbor, retransmission, SPF hold,
   * refresh, expiry) rather than ticking at a fixed rate: a quiet router wakes ~10 times a
   * second, which matters with 50 routers on two cores. `tickMs` is the finest granularity.
   */
  reschedule(): void {
    if (!this.running) return;
    const now = this.o.scheduler.now();
    const gran = this.o.tickMs ?? 1;
    const at = Math.max(this.core.nextWakeup(), now + gran);
    if (at === Infinity || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.scheduler.after(at - now, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      if (!this.running) return;
      this.core.tick();
      this.reschedule();
    });
  }

  /** Graceful stop flushes our LSAs; `crash` just goes silent, as a killed process would. */
  stop(opts: { crash?: boolean } = {}): void {
    if (!this.running) return;
    if (!opts.crash) this.core.shutdown();
    this.running = false;
    this.timer?.cancel();
    for (const f of this.faces.values()) f.onReceive(() => {});
  }
}
