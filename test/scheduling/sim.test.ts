/**
 * The numbers, in virtual time over the whole scheduling core (sim.ts, scenarios.ts):
 * a slower instance loses ≥ 90% of the calls within 5 s, a failing one is drained locally within
 * 1 s, and a dead SCSC changes nothing until its policies expire, after which the SG falls back
 * to shortest path; no call fails in any of them.
 */
import assert from 'node:assert/strict';
import { delayCase, errorCase, scscKillCase } from './scenarios.js';

const log = (what: string, figures: object) => console.log(`      ${what}: ${JSON.stringify(figures)}`);

describe('scheduling: simulation in virtual time (one SG, pool /B = B/1 + B/4)', () => {
  it('B/4 200 ms slower: within 5 s ≥ 90% of calls go to B/1; back to spreading once it recovers', () => {
    const f = delayCase();
    log('delay', f);
    assert.ok(f.b4ShareBefore > 0.3, 'a healthy pool spreads over both instances');
    assert.ok(f.shiftS >= 0 && f.shiftS <= 5, `shift took ${f.shiftS} s`);
    assert.ok(f.b1Share15to20 >= 0.9);
    assert.ok(f.respreadS >= 0 && f.respreadS <= 5, `B/4 weight back after ${f.respreadS} s`);
    assert.ok(f.b4Share30to35 > 0.3, 'spreads again');
    assert.equal(f.failed, 0);
  });

  it('B/4 answers 500: drained locally within 1 s, then by policy; no call fails (one retry)', () => {
    const f = errorCase();
    log('error', f);
    assert.ok(f.drainS >= 0 && f.drainS <= 1, `drained after ${f.drainS} s`);
    assert.equal(f.policyWeightB4, 0, 'the SCSC drained it too');
    assert.equal(f.failed, 0);
    // It stays out while it keeps failing: probes gate the way back, probation re-ejects at once.
    assert.ok(f.b4Share12to20 < 0.02, `B/4 share 12-20 s: ${f.b4Share12to20}`);
  });

  it('the same 500 case with Envoy\'s outlier defaults in our place drains later, with no fewer failed first attempts', () => {
    for (const callGapMs of [20, 500]) {
      const ours = errorCase({ callGapMs }), envoy = errorCase({ envoy: true, callGapMs });
      log(`error, one call every ${callGapMs} ms`, { ours: [ours.drainS, ours.failedFirstAttempts], envoy: [envoy.drainS, envoy.failedFirstAttempts] });
      assert.ok(ours.drainS >= 0 && envoy.drainS >= 0);
      assert.ok(ours.drainS < envoy.drainS, `drain ${ours.drainS} s vs Envoy's ${envoy.drainS} s`);
      // At one call per 500 ms few calls reach B/4 before either drain (the SCSC may drain it first), so only "not more".
      assert.ok(ours.failedFirstAttempts <= envoy.failedFirstAttempts);
      if (callGapMs === 20) assert.ok(ours.failedFirstAttempts < envoy.failedFirstAttempts);
    }
  });

  it('SCSC killed: policies stay until expiry, then shortest path; zero failed calls; a restarted SCSC resumes', () => {
    const f = scscKillCase();
    log('scsc-kill', f);
    assert.ok(f.policyExpiresS > 10 && f.policyExpiresS <= 25, `expiry at ${f.policyExpiresS} s`);
    assert.ok(f.b4ShareWhileHeld > 0.3, 'the held policy still spreads the pool');
    assert.equal(f.b1ShareAfterExpiry, 1, 'after expiry: shortest path (B/1, in the caller\'s pod)');
    assert.equal(f.failed, 0);
    assert.equal(f.noInstance, 0);
    assert.equal(f.policiesExpired, 1);
    assert.ok(f.resumedS >= 0 && f.resumedS <= 2, `policies resumed ${f.resumedS} s after the restart`);
    assert.ok(f.b4ShareAfterRestart > 0.3, 'and the pool spreads again');
    assert.equal(f.staleRejected, 0, 'the restarted SCSC\'s versions outrank the old ones');
  });
});
