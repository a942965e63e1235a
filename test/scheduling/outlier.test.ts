import assert from 'node:assert/strict';
import { DEFAULT_OUTLIER, ENVOY_OUTLIER, OutlierDetector, type OutlierEvent, type OutlierOptions } from '../../src/scheduling/index.js';
import { Name } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const B1 = n('/B/1'), B3 = n('/B/3'), B4 = n('/B/4');

/**
 * B/4 starts failing at t=0 while calls alternate between B/1 and B/4 every `gapMs`. With
 * `probes`, a failure short of the threshold triggers a probe answered `probeRttMs` later (as an
 * SG does). Returns how long after B/4's first failed call it was ejected, and how many calls
 * failed before that.
 */
function drain(opts: OutlierOptions, gapMs: number, probes: boolean, probeRttMs = 5): { ms: number; failedCalls: number } {
  const d = new OutlierDetector(opts);
  d.setHosts([B1, B4]);
  let failedCalls = 0;
  let first = -1;
  const probeAt: number[] = [];
  for (let t = 0, i = 0; t < 120_000; t += 1) {
    while (probeAt.length && probeAt[0]! <= t) {
      probeAt.shift();
      if (d.putProbe(B4, false, t).probeNow && probes) probeAt.push(t + probeRttMs);
      if (d.isEjected(B4)) return { ms: t - first, failedCalls };
    }
    if (t % gapMs === 0) {
      const host = i++ % 2 === 0 ? B1 : B4;
      if (host === B4 && !d.isEjected(B4)) {
        if (failedCalls++ === 0) first = t;
        if (d.putResult(B4, false, t).probeNow && probes) probeAt.push(t + probeRttMs);
        if (d.isEjected(B4)) return { ms: t - first, failedCalls };
      } else d.putResult(host, true, t);
    }
    if (t % opts.intervalMs === 0) d.tick(t);
  }
  return { ms: -1, failedCalls };
}

describe('scheduling: local outlier detection', () => {
  it('ejects at the third consecutive failure at once; a success in between resets the run', () => {
    const ev: OutlierEvent[] = [];
    const d = new OutlierDetector(DEFAULT_OUTLIER, (e) => ev.push(e));
    d.setHosts([B1, B4]);
    d.putResult(B4, false, 0);
    d.putResult(B4, false, 1);
    d.putResult(B4, true, 2);
    d.putResult(B4, false, 3);
    assert.equal(d.putResult(B4, false, 4).ejected, false);
    assert.deepEqual(d.putResult(B4, false, 5), { ejected: true, probeNow: false });
    assert.deepEqual(ev, [{ type: 'eject', name: B4, at: 5, durationMs: 2000, failures: 3 }]);
    assert.deepEqual(d.putResult(B4, false, 6), { ejected: true, probeNow: false }, 'an ejected instance asks for no extra probes');
    assert.deepEqual(d.putResult(B1, false, 7), { ejected: false, probeNow: true }, 'a failure short of the threshold asks for a probe now');
  });

  it('never ejects the last instance in, and at most half the pool', () => {
    const d = new OutlierDetector();
    d.setHosts([B1, B4]);
    for (let i = 0; i < 3; i++) d.putResult(B4, false, i);
    for (let i = 0; i < 10; i++) d.putResult(B1, false, i);
    assert.deepEqual(d.ejected(), [B4]);
    assert.ok(d.counters.ejectionsRefused >= 1);
    const one = new OutlierDetector();
    one.setHosts([B1]);
    for (let i = 0; i < 10; i++) one.putResult(B1, false, i);
    assert.deepEqual(one.ejected(), [], 'a pool of one is never emptied');
    const three = new OutlierDetector();
    three.setHosts([B1, B3, B4]);
    for (const h of [B1, B3, B4]) for (let i = 0; i < 3; i++) three.putResult(h, false, i);
    assert.equal(three.ejected().length, 1, 'floor(3 x 50%) = 1');
  });

  it('lets an instance back after 2 s only once its probe answers, on probation; a relapse doubles the time', () => {
    const ev: OutlierEvent[] = [];
    const d = new OutlierDetector(DEFAULT_OUTLIER, (e) => ev.push(e));
    d.setHosts([B1, B4]);
    for (let i = 0; i < 3; i++) d.putResult(B4, false, 0);
    d.putProbe(B4, false, 1500);
    d.tick(2000);
    assert.ok(d.isEjected(B4), 'time is up but the last probe failed');
    d.putProbe(B4, true, 2100);
    d.tick(2250);
    assert.equal(d.isEjected(B4), false);
    assert.deepEqual(ev.at(-1), { type: 'uneject', name: B4, at: 2250, afterMs: 2250 });
    d.putResult(B4, false, 2300);
    assert.ok(d.isEjected(B4), 'one failure on probation ejects again');
    assert.deepEqual(ev.at(-1), { type: 'eject', name: B4, at: 2300, durationMs: 4000, failures: 1 });
    d.tick(6300);
    d.putResult(B4, true, 6400);
    d.putResult(B4, true, 6500);
    d.tick(8400);
    d.tick(10_400);
    assert.equal(d.status().find((s) => s.name.equals(B4))!.multiplier, 0, 'clean base periods decay the backoff');
  });

  it('drains faster than Envoy at every call rate, with fewer failed calls', () => {
    for (const gapMs of [10, 100, 1000]) {
      const ours = drain(DEFAULT_OUTLIER, gapMs, true);
      const envoy = drain(ENVOY_OUTLIER, gapMs, false);
      assert.ok(ours.ms >= 0 && envoy.ms >= 0);
      assert.ok(ours.ms < envoy.ms, `gap ${gapMs} ms: ours ${ours.ms} ms, Envoy ${envoy.ms} ms`);
      assert.ok(ours.failedCalls < envoy.failedCalls, `gap ${gapMs} ms: failed ${ours.failedCalls} vs ${envoy.failedCalls}`);
      assert.ok(ours.ms <= 1000, `gap ${gapMs} ms: drained in ${ours.ms} ms`);
    }
    // Even at one call every 1 s (B/4 sees one every 2 s) the drain is two probe RTTs after the first failure;
    // Envoy needs B/4's fifth call, 8 s later.
    assert.deepEqual(drain(DEFAULT_OUTLIER, 1000, true), { ms: 10, failedCalls: 1 });
    assert.deepEqual(drain(ENVOY_OUTLIER, 1000, false), { ms: 8000, failedCalls: 5 });
  });
});
