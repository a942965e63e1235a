/**
 * The numbers, in virtual time over the whole scheduling core (test/scheduling/sim.ts):
 * a slower instance loses ≥ 90% of the calls within 5 s, a failing one is drained locally within
 * 1 s, and a dead SCSC changes nothing until its policies expire, after which the SG falls back
 * to shortest path; no call fails in any of them.
 */
import assert from 'node:assert/strict';
import { ENVOY_OUTLIER } from '../../src/scheduling/index.js';
import { figure2Pool, Sim, T0 } from './sim.js';

const log = (what: string, figures: object) => console.log(`      ${what}: ${JSON.stringify(figures)}`);

describe('scheduling: simulation in virtual time (one SG, pool /B = B/1 + B/4)', () => {
  it('B/4 200 ms slower: within 5 s ≥ 90% of calls go to B/1; back to spreading once it recovers', () => {
    const sim = new Sim(figure2Pool());
    sim.run(10);
    assert.ok(sim.share('/B/4', 5, 10) > 0.3, `healthy pool spreads (B/4 got ${sim.share('/B/4', 5, 10)})`);
    sim.instance('/B/4').latencyMs += 200;
    sim.run(20);
    const shift = sim.shiftTime('/B/1', 10, 20);
    const during = sim.share('/B/1', 15, 20);
    sim.instance('/B/4').latencyMs -= 200;
    sim.run(35);
    const back = sim.shiftTime('/B/4', 20, 35, 0.3);
    log('delay', { shift_s: shift, share_b1_15_20: during, respread_s: back, failed: sim.failedCalls, calls: sim.calls });
    assert.ok(shift >= 0 && shift <= 5, `shift took ${shift} s`);
    assert.ok(during >= 0.9, `B/1 share in 15-20 s: ${during}`);
    assert.ok(back >= 0 && sim.share('/B/4', 30, 35) > 0.3, `spreads again (B/4 share ${sim.share('/B/4', 30, 35)})`);
    assert.equal(sim.failedCalls, 0);
  });

  it('B/4 answers 500: drained locally within 1 s, then by policy; no call fails (one retry)', () => {
    const sim = new Sim(figure2Pool());
    sim.run(10);
    sim.instance('/B/4').status = 500;
    sim.run(20);
    const eject = sim.events.find((e) => e.type === 'eject' && e.name.toString() === '/B/4');
    assert.ok(eject, 'B/4 ejected');
    const drainS = (eject.at - (T0 + 10_000)) / 1000;
    const policyOut = sim.store.lookup(sim.instance('/B/4').name, T0 + 20_000)?.instances.find((i) => i.name.toString() === '/B/4')?.weight;
    const firstAttemptsToB4 = sim.picks.filter((p) => p.attempt === 1 && p.instance === '/B/4' && p.at >= T0 + 10_000).length;
    log('error', { drain_s: drainS, policy_weight_b4: policyOut, first_attempts_to_b4_after: firstAttemptsToB4, failed: sim.failedCalls, calls: sim.calls });
    assert.ok(drainS <= 1, `drained after ${drainS} s`);
    assert.equal(policyOut, 0, 'the SCSC drained it too');
    assert.equal(sim.failedCalls, 0);
    // It stays out while it keeps failing: probes gate the way back, probation re-ejects at once.
    assert.ok(sim.share('/B/4', 12, 20) < 0.02, `B/4 share 12-20 s: ${sim.share('/B/4', 12, 20)}`);
  });

  it('the same 500 case with Envoy\'s outlier defaults in our place drains later and fails more first attempts', () => {
    const run = (envoy: boolean, callGapMs: number) => {
      const sim = new Sim(figure2Pool(), envoy ? { outlier: ENVOY_OUTLIER, probeOnFailure: false, callGapMs } : { callGapMs });
      sim.run(10);
      sim.instance('/B/4').status = 500;
      sim.run(40);
      const eject = sim.events.find((e) => e.type === 'eject' && e.name.toString() === '/B/4');
      const local = sim.picks.filter((p) => p.attempt === 1 && p.instance === '/B/4' && p.at >= T0 + 10_000 && (!eject || p.at <= eject.at)).length;
      return { drain_s: eject ? (eject.at - T0 - 10_000) / 1000 : -1, failed_first_attempts: local };
    };
    for (const gap of [20, 500]) {
      const ours = run(false, gap), envoy = run(true, gap);
      log(`error, one call per ${gap} ms`, { ours, envoy });
      assert.ok(ours.drain_s >= 0 && envoy.drain_s >= 0);
      assert.ok(ours.drain_s < envoy.drain_s && ours.failed_first_attempts < envoy.failed_first_attempts);
    }
  });

  it('SCSC killed: policies stay until expiry, then shortest path; zero failed calls; a restarted SCSC resumes', () => {
    const sim = new Sim(figure2Pool());
    sim.run(10);
    sim.killScsc();
    const held = sim.store.list(T0 + 10_000)[0]!.policy.expires;
    sim.run(40);
    const expiresS = (held - T0) / 1000;
    const spreadWhileHeld = sim.share('/B/4', 10, expiresS);
    const afterExpiry = sim.share('/B/1', expiresS + 0.3, 40);
    sim.startScsc();
    sim.run(50);
    const resumed = sim.shiftTime('/B/4', 40, 50, 0.3);
    log('scsc-kill', { policy_expires_s: expiresS, b4_share_while_held: spreadWhileHeld, b1_share_after_expiry: afterExpiry, resumed_s: resumed, failed: sim.failedCalls, no_instance: sim.noInstance, calls: sim.calls, expired: sim.store.counters.policyExpired });
    assert.ok(expiresS > 10 && expiresS <= 25, `expiry at ${expiresS} s`);
    assert.ok(spreadWhileHeld > 0.3, 'the held policy still spreads the pool');
    assert.equal(afterExpiry, 1, 'after expiry: shortest path (B/1, in the caller\'s pod)');
    assert.equal(sim.failedCalls, 0);
    assert.equal(sim.noInstance, 0);
    assert.equal(sim.store.counters.policyExpired, 1);
    assert.ok(resumed >= 0 && resumed <= 3, `policies resumed ${resumed} s after the restart`);
    assert.equal(sim.store.counters.policyDropStale, 0, 'the restarted SCSC\'s versions outrank the old ones');
  });
});
