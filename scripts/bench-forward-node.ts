/**
 * One node of scripts/bench-forward, run inside its network namespace and driven by JSON lines
 * on stdin (one {"reply": …} line back per command; the router's own logs share stdout).
 *
 * - router: the real SR program: RouterNode over raw faces on its fabric interfaces, as
 *   src/node/router-main.ts runs it in a container, but with its control socket and sequence
 *   file in the benchmark's temporary directory instead of /run/damc and /var/lib/damc.
 * - sender: an SG-like router (so the SR learns routes by the real protocol) that also offers
 *   name-tagged requests at a fixed rate on the same face; the last 4 bytes of each frame are its
 *   sequence number.
 * - sink: an SG-like router owning the destination prefix; data frames are counted by sequence
 *   number before the router sees them (the sink must not be the bottleneck), everything else
 *   goes to its router.
 * - ip-sender: IPv4/UDP frames of the same sizes written straight to an AF_PACKET socket, for the
 *   kernel's own forwarding (no router).
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Face, FrameHandler } from '../src/face/face.js';
import { interfaceState, openFace, watchLinks, type RawFace } from '../src/face/index.js';
import { native, type NativePacketSocket } from '../src/face/native-binding.js';
import type { NodeConfig } from '../src/node/config.js';
import { realScheduler } from '../src/node/real-scheduler.js';
import { fabricInterfaces, RouterNode } from '../src/node/router-node.js';
import { FileSeqStore } from '../src/node/seq-file-store.js';
import { logger } from '../src/util/log.js';
import { encode, hopLimitOffset, Name } from '../src/wire/index.js';

type Cmd = Record<string, unknown> & { cmd: string };

let node: RouterNode | undefined;
let faces: RawFace[] = [];
const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

// ---------- sink: count data frames by sequence number ----------

const sink = { size: 0, hopAt: 0, hop: 0, seen: new Uint8Array(0), unique: 0, dup: 0, wrongHop: 0, other: 0 };

/** The sink's face: data frames of the expected size are counted here and never reach the router. */
class CountingFace implements Face {
  private routerHandler: FrameHandler | undefined;
  constructor(private readonly f: RawFace) {
    f.onReceive((p, src) => {
      if (p.length === sink.size && p[1] === 0x10) {
        const seq = ((p[p.length - 4]! << 24) | (p[p.length - 3]! << 16) | (p[p.length - 2]! << 8) | p[p.length - 1]!) >>> 0;
        if (p[sink.hopAt] !== sink.hop) sink.wrongHop++;
        if (seq < sink.seen.length && sink.seen[seq] === 0) {
          sink.seen[seq] = 1;
          sink.unique++;
        } else sink.dup++;
        return;
      }
      if (p[1] === 0x10) sink.other++;
      this.routerHandler?.(p, src);
    });
  }
  get ifname(): string { return this.f.ifname; }
  get mac(): Uint8Array { return this.f.mac; }
  get mtu(): number { return this.f.mtu; }
  send(p: Uint8Array): boolean { return this.f.send(p); }
  onReceive(h: FrameHandler): void { this.routerHandler = h; }
  counters() { return this.f.counters(); }
  close(): void { this.f.close(); }
}

// ---------- sender: a request of exactly `size` bytes, sequence number last ----------

function template(cfg: NodeConfig, name: string, size: number): { bytes: Uint8Array; hopAt: number } {
  const msg = (len: number) => encode({
    type: 'request', name: Name.parse(name), requester: Name.parse(cfg.routerName), hopLimit: 32,
    requestId: 0x8000_0000_0000_0001n, segIndex: 0, segCount: 1, payload: new Uint8Array(len).fill(0x5a),
  });
  let len = Math.max(4, size - (msg(0).length + 3));
  while (msg(len).length < size) len++;
  while (msg(len).length > size && len > 4) len--;
  const bytes = msg(len);
  if (bytes.length !== size) throw new Error(`no request of exactly ${size} bytes (closest ${bytes.length})`);
  return { bytes, hopAt: hopLimitOffset(bytes) };
}

/** Offers `rate` frames/s (0: as fast as possible) for `secs`; what the queue refused is not counted as sent. */
async function offer(put: (seq: number) => boolean, flush: () => void, rate: number, secs: number): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  let sent = 0;
  let refused = 0;
  const total = rate > 0 ? Math.round(rate * secs) : Infinity;
  for (;;) {
    const el = (performance.now() - t0) / 1000;
    if (el >= secs || sent >= total) break;
    const due = rate > 0 ? Math.min(total, Math.floor(rate * el)) : sent + 128;
    // At most 128 per turn, also when catching up after the process was descheduled: a burst larger
    // than the kernel's backlog (net.core.netdev_max_backlog, 1000) would be lost on the kernel path
    // for a reason that has nothing to do with forwarding.
    let n = Math.min(due - sent, 128);
    while (n-- > 0) {
      if (!put(sent)) {
        refused++;
        break;
      }
      sent++;
    }
    flush();
    await yieldTurn();
  }
  flush();
  return { sent, refused, secs: (performance.now() - t0) / 1000 };
}

// ---------- ip-sender: Ethernet + IPv4 + UDP, UDP checksum 0 (allowed), sequence number last ----------

let psock: NativePacketSocket | undefined;

function ipFrame(srcMac: Uint8Array, dstMac: Uint8Array, size: number): Uint8Array {
  const f = new Uint8Array(14 + size);
  const dv = new DataView(f.buffer);
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  dv.setUint16(12, 0x0800);
  const ip = 14;
  f[ip] = 0x45;
  dv.setUint16(ip + 2, size);
  f[ip + 6] = 0x40; // DF
  f[ip + 8] = 64; // TTL
  f[ip + 9] = 17; // UDP
  f.set([10, 1, 0, 2], ip + 12);
  f.set([10, 2, 0, 2], ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += dv.getUint16(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  dv.setUint16(ip + 10, ~sum & 0xffff);
  dv.setUint16(ip + 20, 40000);
  dv.setUint16(ip + 22, 9); // discard
  dv.setUint16(ip + 24, size - 20);
  return f;
}

async function handle(c: Cmd): Promise<Record<string, unknown>> {
  switch (c.cmd) {
    case 'start': {
      const cfg = c.config as NodeConfig;
      const role = String(c.role);
      if (role === 'ip-sender') {
        const st = interfaceState(String(c.ifname));
        psock = new (native().PacketSocket)(st.ifindex, 2048, 1 << 16, 4 << 20, () => {}, () => {}, 0, 0);
        return { mac: Buffer.from(st.mac).toString('hex') };
      }
      const log = logger('router', { node: cfg.node });
      log.level = 'warn';
      // BENCH_FORWARD_RING=<bytes>: the routers receive through the TPACKET_V3 ring instead (not the router's default).
      const ring = role === 'router' ? Number(process.env.BENCH_FORWARD_RING ?? 0) : 0;
      const ring2 = role === 'router' ? Number(process.env.BENCH_FORWARD_RING2 ?? 0) : 0;
      faces = fabricInterfaces(cfg).map((i) => openFace(i.name, ring > 0 ? { rxRingBytes: ring } : ring2 > 0 ? { rxFrameRingBytes: ring2 } : {}));
      const nodeFaces: Face[] = role === 'sink' ? faces.map((f) => new CountingFace(f)) : faces;
      const dir = String(c.stateDir);
      node = new RouterNode(cfg, {
        faces: nodeFaces, watcher: watchLinks(), scheduler: realScheduler, seqStore: new FileSeqStore(join(dir, cfg.node)), log,
        controlPath: join(dir, `${cfg.node}.sock`),
      });
      await node.start();
      return { ok: true };
    }
    case 'route': {
      // True once this router's FIB sends the name somewhere (not delivered here).
      const hit = node!.host.core.fib().lpm(Name.parse(String(c.name)));
      return { ok: hit !== undefined && !hit.value.local && hit.value.nexthops.length > 0 };
    }
    case 'template': {
      const t = template(c.config as NodeConfig, String(c.name), Number(c.size));
      return { hopAt: t.hopAt, hop: t.bytes[t.hopAt] };
    }
    case 'blast': {
      const face = faces[0]!;
      const t = template(c.config as NodeConfig, String(c.name), Number(c.size));
      const b = t.bytes;
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const put = (seq: number) => (dv.setUint32(b.length - 4, seq), face.send(b));
      return offer(put, () => face.flush(), Number(c.rate), Number(c.secs));
    }
    case 'blast-ip': {
      const s = psock!;
      const size = Number(c.size);
      const one = ipFrame(Buffer.from(String(c.srcMac), 'hex'), Buffer.from(String(c.dstMac), 'hex'), size);
      const batch = 256;
      const buf = new Uint8Array(one.length * batch);
      for (let i = 0; i < batch; i++) buf.set(one, i * one.length);
      const dv = new DataView(buf.buffer);
      const lens = new Uint32Array(batch).fill(one.length);
      let queued = 0;
      let refusedByKernel = 0;
      const flush = () => {
        if (queued === 0) return;
        refusedByKernel += queued - s.sendBatch(buf, lens, queued);
        queued = 0;
      };
      const put = (seq: number) => {
        dv.setUint32((queued + 1) * one.length - 4, seq);
        if (++queued === batch) flush();
        return true;
      };
      const r = await offer(put, flush, Number(c.rate), Number(c.secs));
      return { ...r, sent: Number(r.sent) - refusedByKernel, refusedByKernel, txFrames: s.stats()[2] };
    }
    case 'sink-reset': {
      sink.size = Number(c.size);
      sink.hopAt = Number(c.hopAt);
      sink.hop = Number(c.hop);
      sink.seen = new Uint8Array(Number(c.max));
      sink.unique = sink.dup = sink.wrongHop = sink.other = 0;
      return { ok: true };
    }
    case 'sink-count':
      return { unique: sink.unique, dup: sink.dup, wrongHop: sink.wrongHop, other: sink.other, kernelDrops: faces[0]?.counters().rxKernelDrops ?? 0 };
    case 'counters':
      return { router: node!.host.core.counters, faces: Object.fromEntries(faces.map((f) => [f.ifname, f.counters()])) };
    case 'exit':
      // A clean exit, so `node --cpu-prof` writes its profile (BENCH_FORWARD_PROF).
      setTimeout(() => process.exit(0), 10);
      return { ok: true };
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line) as Cmd;
  handle(c).then(
    (r) => process.stdout.write(JSON.stringify({ reply: c.cmd, ...r }) + '\n'),
    (e: unknown) => process.stdout.write(JSON.stringify({ reply: c.cmd, error: e instanceof Error ? e.message : String(e) }) + '\n'),
  );
});
process.stdin.on('end', () => process.exit(0));
