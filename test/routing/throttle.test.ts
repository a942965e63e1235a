import assert from 'node:assert/strict';
import { Throttle } from '../../src/routing/throttle.js';

/** Runs `t` at each due time for requests at `at`; returns the run times. */
function drive(t: Throttle, at: number[], until: number): number[] {
  const runs: number[] = [];
  let k = 0;
  for (let now = 0; now <= until; now++) {
    while (k < at.length && at[k] === now) (t.request(now), k++);
    if (t.due(now)) (t.ran(now), runs.push(now));
  }
  return runs;
}

describe('routing: throttle (SPF and origination backoff)', () => {
  it('without batchTrickle, changes a second apart each run at once (a small lab\'s faults stay fast)', () => {
    assert.deepEqual(drive(new Throttle(10, 500), [0, 1_000, 2_000], 3_000), [0, 1_000, 2_000]);
  });

  it('a trickle of changes (one every 100 ms for 10 s) backs off to the max hold instead of one run per change', () => {
    const trickle = Array.from({ length: 100 }, (_, i) => 1_000 + i * 100);
    const runs = drive(new Throttle(10, 2_000, true), trickle, 20_000);
    assert.ok(runs.length <= 15, `${runs.length} runs: ${runs.join(' ')}`);
    assert.ok(runs[runs.length - 1]! >= 10_900, 'the last change is acted on');
    assert.equal(drive(new Throttle(10, 2_000), trickle, 20_000).length, 100, 'without batchTrickle: one run per change (small labs)');
  });

  it('after a quiet spell of two max holds the first change runs at once again', () => {
    const t = new Throttle(10, 2_000, true);
    drive(t, [0, 5, 30, 70], 5_000);
    assert.deepEqual(drive(t, [9_000], 9_100), [9_000]);
  });
});
