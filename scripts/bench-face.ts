/**
 * Frames per second that ONE Node process receives and sends through the real face, between
 * two network namespaces joined by a veth: the sender (namespace A) is pinned to core 0, the
 * receiver (namespace B) to core 1. The sender offers frames as fast as one Node process can
 * (batches of 256 send() calls, one sendmmsg flush per event-loop turn); the receiver counts
 * what arrives and what the kernel dropped. Human lines go to stderr; the last line on stdout
 * is the JSON summary. Run as root: scripts/bench-face [frames-per-run]
 */
import { createVethPair, Worker } from '../test/face/netns.js';
import { cpuMs } from '../test/face/proc-cpu.js';

const frames = Number(process.argv[2] ?? 1_000_000);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RunResult {
  txFps: number;
  rxFps: number;
  lostPct: number;
}

async function run(size: number): Promise<RunResult> {
  const pair = createVethPair(`bench${size}`);
  const tx = new Worker(pair.nsA, 0);
  const rx = new Worker(pair.nsB, 1);
  try {
    await rx.call({ cmd: 'open', ifname: 'eth1' });
    await tx.call({ cmd: 'open', ifname: 'eth1' });
    // Warm up the JIT on both sides, then count from zero.
    await tx.call({ cmd: 'burst', count: 20_000, size });
    await sleep(300);
    await rx.call({ cmd: 'reset' });
    const before = (await rx.call({ cmd: 'counters' })).counters as { rxKernelDrops: number };
    const txBefore = ((await tx.call({ cmd: 'counters' })).counters as { txFrames: number }).txFrames;
    const cpu0 = cpuMs(rx.child.pid ?? 0);
    const sent = await tx.call({ cmd: 'burst', count: frames, size });
    const txFrames = (sent.counters as { txFrames: number }).txFrames - txBefore;
    let c: Record<string, unknown> = {};
    for (let prev = -1, i = 0; i < 50; i++) {
      await sleep(200);
      c = await rx.call({ cmd: 'counters' });
      if (c.received === prev) break;
      prev = Number(c.received);
    }
    if (rx.exited) throw new Error(`receiver died: ${rx.stderr}`);
    const cpu1 = cpuMs(rx.child.pid ?? 0);
    const received = Number(c.received);
    const drops = (c.counters as { rxKernelDrops: number }).rxKernelDrops - before.rxKernelDrops;
    const rxSecs = (Number(c.lastRx) - Number(c.firstRx)) / 1000;
    const r = {
      txFps: Math.round(txFrames / Number(sent.secs)),
      rxFps: Math.round(received / rxSecs),
      lostPct: Number((((txFrames - received) / txFrames) * 100).toFixed(3)),
    };
    console.error(
      `${size}-byte payloads: sent ${txFrames} in ${Number(sent.secs).toFixed(2)} s (${r.txFps}/s), ` +
        `received ${received} (${r.rxFps}/s), kernel drops ${drops}, lost ${r.lostPct}%; ` +
        `receiver CPU ${cpu1.user - cpu0.user} ms user + ${cpu1.sys - cpu0.sys} ms sys over ${rxSecs.toFixed(2)} s`,
    );
    return r;
  } finally {
    tx.kill();
    rx.kill();
    pair.destroy();
  }
}

const r100 = await run(100);
const r1500 = await run(1500);
console.log(
  JSON.stringify({
    rx_fps_100: r100.rxFps,
    tx_fps_100: r100.txFps,
    rx_fps_1500: r1500.rxFps,
    tx_fps_1500: r1500.txFps,
    lost_pct_100: r100.lostPct,
  }),
);
