/**
 * Measures the candidates for the face's frame I/O (npm cap, npm pcap, and the project's own
 * AF_PACKET addon) the same way: two namespaces joined by a veth, a burst of frames at full
 * rate from one side, counted on the other. Run as root:
 *   PCAP_DIR=/tmp/facebench node dist/scripts/bench-face-candidates.js [count]
 * Prints one JSON line per run.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createVethPair, Worker } from '../test/face/netns.js';
import { cpuMs } from '../test/face/proc-cpu.js';

const count = Number(process.argv[2] ?? 100_000);
const candidateWorker = fileURLToPath(new URL('./bench-face-candidate-worker.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Reply = Record<string, unknown>;

function spawnSide(lib: string, ns: string, cpu: number): Worker {
  return lib === 'damc' ? new Worker(ns, cpu) : new Worker(ns, cpu, candidateWorker);
}

/** Waits until the count has not moved for 1.5 s (libpcap hands over a partly filled ring
 * block only after its 1 s timeout, so a shorter wait would call those frames lost). */
async function settle(w: Worker): Promise<Reply | undefined> {
  let prev = -1;
  let still = 0;
  for (let i = 0; i < 80 && w.exited === undefined; i++) {
    await sleep(250);
    const c = await w.call({ cmd: 'counters' }).catch(() => undefined);
    if (!c) return undefined;
    still = c.received === prev ? still + 1 : 0;
    if (still >= 6) return c;
    prev = Number(c.received);
  }
  return undefined;
}

async function run(rxLib: string, txLib: string, size: number): Promise<Reply> {
  const pair = createVethPair(`c${size}`);
  const tx = spawnSide(txLib, pair.nsA, 0);
  const rx = spawnSide(rxLib, pair.nsB, 1);
  try {
    await rx.call({ cmd: 'open', ifname: 'eth1', lib: rxLib });
    await tx.call({ cmd: 'open', ifname: 'eth1', lib: txLib });
    const cpu0 = cpuMs(rx.child.pid ?? 0);
    const sent = await tx.call({ cmd: 'burst', count, size });
    const got = await settle(rx);
    const cpu1 = rx.exited ? cpu0 : cpuMs(rx.child.pid ?? 0);
    await sleep(200);
    const crashed = rx.exited !== undefined;
    const c = (got ?? {}) as { received?: number; firstRx?: number; lastRx?: number; counters?: Reply };
    const rxSecs = ((c.lastRx ?? 0) - (c.firstRx ?? 0)) / 1000;
    const drops = Number((c.counters as { rxKernelDrops?: number; drops?: number } | undefined)?.rxKernelDrops ?? c.counters?.drops ?? NaN);
    return {
      rx: rxLib, tx: txLib, size, offered: count,
      tx_fps: Math.round(count / Number(sent.secs)),
      received: c.received ?? null,
      rx_fps: c.received && rxSecs > 0 ? Math.round(c.received / rxSecs) : null,
      drops_reported: drops,
      rx_cpu_ns_per_frame: c.received ? Math.round(((cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) * 1e6) / c.received) : null,
      crashed: crashed ? `${rx.exited?.signal ?? rx.exited?.code}: ${rx.stderr.trim().split('\n').slice(-2).join(' | ')}` : false,
    };
  } catch (e) {
    return { rx: rxLib, tx: txLib, size, error: String(e), crashed: rx.exited ? `${rx.exited.signal ?? rx.exited.code}: ${rx.stderr.trim().slice(-200)}` : false };
  } finally {
    tx.kill();
    rx.kill();
    pair.destroy();
  }
}

/** npm raw-socket: ask for AF_PACKET (17) and look at what the kernel says we got. */
function rawSocketFamily(): Reply {
  const raw = createRequire(import.meta.url)('raw-socket') as {
    createSocket(o: { protocol: number; addressFamily: number }): { close(): void };
  };
  const s = raw.createSocket({ protocol: 0xb5, addressFamily: 17 });
  const inodes = readdirSync('/proc/self/fd')
    .map((f) => { try { return readlinkSync(`/proc/self/fd/${f}`); } catch { return ''; } })
    .filter((l) => l.startsWith('socket:['))
    .map((l) => l.slice(8, -1));
  const count = (table: string): number =>
    readFileSync(table, 'utf8').split('\n').filter((l) => inodes.some((i) => l.split(/\s+/).includes(i))).length;
  const r = { lib: 'raw-socket', asked: 'AF_PACKET (17)', in_proc_net_raw_AF_INET: count('/proc/net/raw'), in_proc_net_packet: count('/proc/net/packet') };
  s.close();
  return r;
}

if (!process.env.LIBS || process.env.LIBS.includes('raw-socket')) console.log(JSON.stringify(rawSocketFamily()));
if (process.env.LIBS === 'raw-socket') process.exit(0);
const libs = (process.env.LIBS ?? 'damc,pcap,cap').split(',');
for (const size of [100, 1500]) {
  for (const lib of libs) {
    console.log(JSON.stringify(await run(lib, 'damc', size))); // receive path, damc as sender
    if (lib !== 'damc') console.log(JSON.stringify(await run('damc', lib, size))); // send path
  }
}
