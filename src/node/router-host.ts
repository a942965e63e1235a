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
  /** Timer resolution of hellos, dead intervals, retransmission and SPF holds. */
  readonly tickMs?: number;
}

export class RouterHost {
  readonly core: RouterCore;
  private readonly faces = new Map<string, Face>();
  private timer: Timer | undefined;
  private running = false;
  encodeErrors = 0;

  constructor(private readonly o: RouterHostOptions) {
    for (const f of o.faces) this.faces.set(f.ifname, f);
    this.core = new RouterCore({
      ...o,
      clock: o.scheduler,
      interfaces: o.faces.map((f) => ({ name: f.ifname, cost: o.costs[f.ifname] ?? 1 })),
      send: (iface, msg) => {
        const face = this.faces.get(iface);
        if (!face || !this.running) return false;
        let bytes: Uint8Array;
        try {
          bytes = encode(msg);
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
      if (r.ok) this.core.receive(f.ifname, r.message);
      else this.core.counters.decodeErrors++;
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
      if (this.running) this.core.linkChange(ifname, up);
    });
    this.core.start();
    const loop = () => {
      if (!this.running) return;
      this.core.tick();
      this.timer = this.o.scheduler.after(this.o.tickMs ?? 10, loop);
    };
    this.timer = this.o.scheduler.after(this.o.tickMs ?? 10, loop);
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
