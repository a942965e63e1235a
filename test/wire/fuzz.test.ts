/**
 * 1,000,000 random and mutated frames: each decodes to a Message or a DecodeError — no other
 * exception, no hang (the test's timeout), and memory stays bounded. WIRE_FUZZ_FRAMES changes
 * the count (scripts/fuzz-wire runs more).
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { decode, DecodeError, encode } from '../../src/wire/index.js';
import { message } from './arbitraries.js';
import { MUTATIONS, mutate, Rng } from './mutator.js';

const FRAMES = Number(process.env.WIRE_FUZZ_FRAMES ?? 1_000_000);

function gc(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

describe('wire: fuzz', function () {
  this.timeout(180_000);

  it(`${FRAMES.toLocaleString('en')} random and mutated frames each decode to a message or a DecodeError, in bounded memory`, () => {
    const corpus = fc.sample(message, { numRuns: 3000, seed: 20260101 }).map(encode);
    const rng = new Rng(Number(process.env.WIRE_FUZZ_SEED ?? 0x5eed));
    const collect = gc();
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const codes = new Map<string, number>();
    const strange: string[] = [];
    let ok = 0;
    let maxHeap = heapBefore;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < FRAMES; i++) {
      const frame = mutate(rng, corpus, MUTATIONS[i % MUTATIONS.length]!);
      try {
        decode(frame);
        ok++;
      } catch (e) {
        if (e instanceof DecodeError) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        else if (strange.length < 5) strange.push(`${String(e)} on ${Buffer.from(frame).toString('hex')}`);
      }
      if ((i & 0xffff) === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    collect();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    console.log(
      `      ${FRAMES} frames in ${secs.toFixed(1)} s (${Math.round(FRAMES / secs).toLocaleString('en')}/s): ` +
        `${ok} decoded, errors ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}, ` +
        `heap ${growth >= 0 ? "+" : ""}${(growth / 1e6).toFixed(1)} MB after, peak +${((maxHeap - heapBefore) / 1e6).toFixed(1)} MB`,
    );
    assert.deepEqual(strange, [], 'decode threw something other than DecodeError');
    assert.ok(ok > 0 && codes.size >= 6, 'the mix reaches both valid messages and many error kinds');
    assert.ok(growth < 16e6, `heap grew ${growth} bytes over the run`);
  });
});
