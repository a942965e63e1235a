/**
 * How soon the far end of a veth learns that the near end went down, as reported by
 * watchLinks(), five times each with equal and with distinct ifindexes on the two ends (the
 * kernel treats the first case as a non-urgent link event). Run as root:
 *   node dist/scripts/bench-face-linkwatch.js
 */
import { createVethPair, ipIn, Worker } from '../test/face/netns.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(sameIndex: boolean): Promise<number[]> {
  const pair = createVethPair(sameIndex ? 'lwsame' : 'lwdist', 1500, sameIndex);
  const a = new Worker(pair.nsA);
  const b = new Worker(pair.nsB);
  const out: number[] = [];
  try {
    await a.call({ cmd: 'watch' });
    await b.call({ cmd: 'watch' });
    await sleep(1500);
    for (let i = 0; i < 5; i++) {
      const n = b.events.length;
      const t0 = Date.now();
      ipIn(pair.nsA, 'link', 'set', 'eth1', 'down');
      const e = await b.nextEvent((x) => b.events.indexOf(x) >= n && x.up === false, 5000, 'carrier loss');
      out.push(Number(e.at) - t0);
      ipIn(pair.nsA, 'link', 'set', 'eth1', 'up');
      await b.nextEvent((x) => b.events.indexOf(x) >= n && x.up === true, 5000, 'carrier back');
      await sleep(200);
    }
  } finally {
    a.kill();
    b.kill();
    pair.destroy();
  }
  return out;
}

console.log(`same ifindex:     peer told after ${(await measure(true)).join(', ')} ms`);
console.log(`distinct ifindex: peer told after ${(await measure(false)).join(', ')} ms`);
