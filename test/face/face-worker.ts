/**
 * Runs inside a network namespace (spawned by the tests and the benchmark through
 * `ip netns exec`) and drives a real face from JSON commands on stdin, one reply line per
 * command on stdout; asynchronous observations are lines with an "event" field.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { openFace, watchLinks, interfaceState, type RawFace, type LinkStateWatcher } from '../../src/face/index.js';
import { native } from '../../src/face/native-binding.js';
import { isLabError } from '../../src/util/errors.js';

type Cmd = Record<string, unknown> & { cmd: string };

let face: RawFace | undefined;
let watcher: LinkStateWatcher | undefined;
let received = 0;
let firstRx = 0;
let lastRx = 0;
let collect = false;
let badSeq = 0;
/** With `checkSeq`: each payload must carry a sequence number above the last, and its pattern. */
const seqCheck = { on: false, last: -1, distinct: 0, outOfOrder: 0, corrupt: 0 };
let bare: RawFace | undefined;
const kept: { payload: Uint8Array; sha256: string }[] = [];
let echo = false;
let pong: (() => void) | undefined;

/** Round trips of single frames to a worker in echo mode: what one hop adds to latency. */
async function ping(count: number, size: number): Promise<Record<string, unknown>> {
  const f = face!;
  const p = new Uint8Array(size);
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    fillPayload(p, i);
    const back = new Promise<void>((r) => (pong = r));
    const t0 = process.hrtime.bigint();
    f.send(p);
    f.flush();
    const timeout = new Promise<void>((r) => setTimeout(r, 1000));
    await Promise.race([back, timeout]);
    rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
    await new Promise((r) => setTimeout(r, 2)); // idle link between pings, like hellos
  }
  rtts.sort((x, y) => x - y);
  const at = (q: number): number => Math.round(rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))] ?? 0);
  return { count, median_us: at(0.5), p99_us: at(0.99) };
}

function out(msg: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Payload i of a run: a 4-byte sequence number, then bytes derived from it. */
function fillPayload(p: Uint8Array, i: number): void {
  new DataView(p.buffer, p.byteOffset).setUint32(0, i);
  for (let k = 4; k < p.length; k++) p[k] = (i + k) & 0xff;
}

/** Reordering or a duplicate shows as a number not above the last; corruption as a broken pattern. */
function checkSeq(p: Uint8Array): void {
  const i = new DataView(p.buffer, p.byteOffset).getUint32(0);
  if (i <= seqCheck.last) seqCheck.outOfOrder++;
  else {
    seqCheck.last = i;
    seqCheck.distinct++;
  }
  for (let k = 4; k < p.length; k++) {
    if (p[k] !== ((i + k) & 0xff)) {
      seqCheck.corrupt++;
      break;
    }
  }
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function sendBurst(count: number, size: number, batch: number): Promise<Record<string, unknown>> {
  const f = face!;
  const p = new Uint8Array(size);
  const t0 = process.hrtime.bigint();
  let i = 0;
  while (i < count) {
    const end = Math.min(count, i + batch);
    while (i < end) {
      fillPayload(p, i);
      if (!f.send(p)) break; // queue full (kernel busy): retry this frame after a turn
      i++;
    }
    f.flush();
    await yieldTurn();
  }
  f.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { offered: count, secs, counters: f.counters() };
}

async function handle(c: Cmd): Promise<Record<string, unknown>> {
  switch (c.cmd) {
    case 'open': {
      const envRing = Number(process.env.FACE_RX_RING ?? 0); // the benchmark compares both paths
      face = openFace(String(c.ifname), { rxRingBytes: envRing, ...((c.opts ?? {}) as Record<string, number>) });
      face.onReceive((payload, src) => {
        const now = Date.now();
        if (received === 0) firstRx = now;
        lastRx = now;
        received++;
        if (echo) face?.send(payload);
        if (pong) {
          const r = pong;
          pong = undefined;
          r();
        }
        if (payload.length >= 4 && collect) {
          // Keep the view itself (no copy): later batches must not overwrite it.
          kept.push({ payload, sha256: createHash('sha256').update(payload).digest('hex') });
          out({ event: 'frame', len: payload.length, src: hex(src), sha256: createHash('sha256').update(payload).digest('hex'), head: hex(payload.subarray(0, 16)) });
        }
        if (payload.length < 4) badSeq++;
        else if (seqCheck.on) checkSeq(payload);
      });
      return { ok: true, mac: hex(face.mac), mtu: face.mtu };
    }
    case 'collect':
      collect = Boolean(c.on);
      return { ok: true };
    case 'send': {
      const p = Buffer.from(String(c.hex), 'hex');
      const ok = face!.send(p);
      face!.flush();
      return { ok, sha256: createHash('sha256').update(p).digest('hex') };
    }
    case 'sendPattern': {
      const p = new Uint8Array(Number(c.size));
      fillPayload(p, Number(c.seq ?? 0));
      const ok = face!.send(p);
      face!.flush();
      return { ok, sha256: createHash('sha256').update(p).digest('hex') };
    }
    case 'sendForeign': {
      // A frame of another EtherType, written straight to the socket (the face itself only
      // ever writes 0x88B5): the receiving face must not deliver it.
      const st = interfaceState(String(c.ifname));
      const sock = new (native().PacketSocket)(st.ifindex, 2048, 1 << 16, 1 << 16, () => {}, () => {}, 0, 0);
      const frame = new Uint8Array(14 + 64).fill(0xab);
      frame.fill(0xff, 0, 6);
      frame.set(st.mac, 6);
      new DataView(frame.buffer).setUint16(12, Number(c.etherType));
      const n = sock.sendBatch(frame, Uint32Array.of(frame.length), 1);
      const sent = sock.stats()[2];
      sock.close();
      return { ok: n === 1 && sent === 1 };
    }
    case 'burst':
      return sendBurst(Number(c.count), Number(c.size), Number(c.batch ?? 256));
    case 'counters':
      return { received, firstRx, lastRx, badSeq, seq: { ...seqCheck }, counters: face?.counters() ?? null, bare: bare?.counters() ?? null };
    case 'checkSeq':
      Object.assign(seqCheck, { on: Boolean(c.on), last: -1, distinct: 0, outOfOrder: 0, corrupt: 0 });
      return { ok: true };
    case 'openBare':
      // A second face on the interface that nobody listens to: what it reads is dropped.
      bare = openFace(String(c.ifname));
      return { ok: true };
    case 'sendBatchTypes': {
      // The addon must refuse arrays of the wrong element type instead of reading past them.
      const st = interfaceState(String(c.ifname));
      const sock = new (native().PacketSocket)(st.ifindex, 2048, 1 << 16, 1 << 16, () => {}, () => {}, 0, 0);
      const frame = new Uint8Array(64);
      const errors: string[] = [];
      for (const [buf, lens] of [[frame, Uint8Array.of(64, 0, 0, 0)], [frame, Float64Array.of(64)], [new Uint16Array(32), Uint32Array.of(64)], [frame, [64]]] as const) {
        try {
          (sock.sendBatch as (b: unknown, l: unknown, n: number) => number)(buf, lens, 1);
          errors.push('accepted');
        } catch (e) {
          errors.push(e instanceof TypeError ? e.message : `other: ${String(e)}`);
        }
      }
      const ok = sock.sendBatch(frame, Uint32Array.of(64), 1);
      sock.close();
      return { errors, ok };
    }
    case 'echo':
      echo = Boolean(c.on);
      return { ok: true };
    case 'ping':
      return ping(Number(c.count), Number(c.size ?? 64));
    case 'verifyKept': {
      const changed = kept.filter((k) => createHash('sha256').update(k.payload).digest('hex') !== k.sha256).length;
      return { kept: kept.length, changed };
    }
    case 'reset':
      received = 0;
      return { ok: true };
    case 'watch': {
      watcher = watchLinks();
      watcher.onChange((ifname, up) => out({ event: 'link', ifname, up, at: Date.now() }));
      return { ok: true, up: watcher.isUp(String(c.ifname ?? 'eth1')) ?? null };
    }
    case 'close':
      face?.close();
      watcher?.close();
      return { ok: true, counters: face?.counters() ?? null };
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

const rl = createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on('line', (line) => {
  const c = JSON.parse(line) as Cmd;
  chain = chain.then(async () => {
    try {
      out(await handle(c));
    } catch (e) {
      out({ error: isLabError(e) ? e.describe() : String(e), code: isLabError(e) ? e.code : undefined });
    }
  });
});
// The test closing our stdin means: close everything and let the loop end on its own,
// which also proves an closed face does not keep the process alive.
rl.on('close', () => {
  chain = chain.then(() => {
    face?.close();
    watcher?.close();
  });
});
