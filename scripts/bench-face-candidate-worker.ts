/**
 * Receiver (and sender) for the candidate libraries the face was chosen against: npm `cap`
 * (from the project's node_modules) and npm `pcap` (from PCAP_DIR, a scratch install — it is
 * not a project dependency). Speaks face-worker's JSON-lines protocol so the same driver
 * runs it inside a network namespace.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

type Cmd = Record<string, unknown> & { cmd: string };
interface Candidate {
  send(frame: Buffer): void;
  stats(): { received: number; drops: number };
  close(): void;
}

const require = createRequire(import.meta.url);
let cand: Candidate | undefined;
let received = 0;
let firstRx = 0;
let lastRx = 0;
function onPacket(): void {
  const now = Date.now();
  if (received++ === 0) firstRx = now;
  lastRx = now;
}

function openCap(ifname: string): Candidate {
  const { Cap } = require('cap') as { Cap: new () => CapT };
  interface CapT {
    open(dev: string, filter: string, size: number, buf: Buffer): string;
    setMinBytes?(n: number): void;
    on(ev: 'packet', f: (n: number, trunc: boolean) => void): void;
    send(b: Buffer, len: number): void;
    close(): void;
  }
  const c = new Cap();
  const buf = Buffer.alloc(65536);
  c.open(ifname, 'ether proto 0x88b5 and not ether src ' + macOf(ifname), 10 * 1024 * 1024, buf);
  c.setMinBytes?.(0);
  c.on('packet', onPacket);
  return { send: (f) => c.send(f, f.length), stats: () => ({ received, drops: -1 }), close: () => c.close() };
}

function openPcap(ifname: string): Candidate {
  const dir = process.env.PCAP_DIR ?? '/tmp/facebench';
  const pcap = createRequire(dir + '/package.json')('pcap') as {
    createSession(dev: string, o: Record<string, unknown>): {
      on(ev: 'packet', f: (raw: unknown) => void): void;
      stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
      inject(b: Buffer): void;
      close(): void;
    };
  };
  const s = pcap.createSession(ifname, { filter: 'ether proto 0x88b5 and not ether src ' + macOf(ifname), buffer_size: 10 * 1024 * 1024, buffer_timeout: Number(process.env.PCAP_TIMEOUT_MS ?? 1000) });
  s.on('packet', onPacket);
  return {
    send: (f) => s.inject(f),
    stats: () => {
      const st = s.stats();
      return { received, drops: st.ps_drop + st.ps_ifdrop };
    },
    close: () => s.close(),
  };
}

function macOf(ifname: string): string {
  return require('node:fs').readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim() as string;
}

async function handle(c: Cmd): Promise<Record<string, unknown>> {
  switch (c.cmd) {
    case 'open':
      cand = c.lib === 'pcap' ? openPcap(String(c.ifname)) : openCap(String(c.ifname));
      return { ok: true };
    case 'burst': {
      const size = Number(c.size);
      const frame = Buffer.alloc(14 + size, 0x5a);
      frame.fill(0xff, 0, 6);
      frame.writeUInt16BE(0x88b5, 12);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < Number(c.count); i++) {
        cand!.send(frame);
        if (i % 1024 === 1023) await new Promise((r) => setImmediate(r));
      }
      return { offered: Number(c.count), secs: Number(process.hrtime.bigint() - t0) / 1e9 };
    }
    case 'counters':
      return { received, firstRx, lastRx, counters: cand?.stats() ?? null };
    case 'reset':
      received = 0;
      return { ok: true };
    case 'close':
      cand?.close();
      return { ok: true };
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

let chain = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line) as Cmd;
  chain = chain.then(async () => {
    try {
      process.stdout.write(JSON.stringify(await handle(c)) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
    }
  });
});
