/**
 * The three cases on the simulated SG (sim.ts), each returning its figures: the test
 * asserts on them and scripts/bench-scheduling-sim prints them.
 */
import { ENVOY_OUTLIER } from '../../src/scheduling/index.js';
import { figure2Pool, Sim, T0 } from './sim.js';

export interface DelayFigures {
  /** Share of calls B/4 got before the delay (5-10 s). */
  b4ShareBefore: number;
  /** From the delay (at 10 s) until every 1 s window has ≥ 90% on B/1. */
  shiftS: number;
  b1Share15to20: number;
  /** From removing it (at 20 s) until sg1's policy gives B/4 its weight back. */
  respreadS: number;
  b4Share30to35: number;
  failed: number;
  calls: number;
}

export function delayCase(): DelayFigures {
  const sim = new Sim(figure2Pool());
  sim.run(10);
  const b4ShareBefore = sim.share('/B/4', 5, 10);
  sim.instance('/B/4').latencyMs += 200;
  sim.run(20);
  const shiftS = sim.shiftTime('/B/1', 10, 20);
  const b1Share15to20 = sim.share('/B/1', 15, 20);
  sim.instance('/B/4').latencyMs -= 200;
  const respreadS = sim.untilWeight('/B/4', 100, 15);
  sim.run(35);
  return { b4ShareBefore, shiftS, b1Share15to20, respreadS, b4Share30to35: sim.share('/B/4', 30, 35), failed: sim.failedCalls, calls: sim.calls };
}

export interface ErrorFigures {
  /** From B/4's first 500 (at 10 s) to its local ejection. */
  drainS: number;
  /** First attempts sent to B/4 between the fault and the ejection (each one retried). */
  failedFirstAttempts: number;
  /** B/4's weight in sg1's policy 10 s later (0: the SCSC drained it too). */
  policyWeightB4: number | undefined;
  b4Share12to20: number;
  failed: number;
  calls: number;
}

export function errorCase(opts: { envoy?: boolean; callGapMs?: number } = {}): ErrorFigures {
  const sim = new Sim(figure2Pool(), opts.envoy ? { outlier: ENVOY_OUTLIER, probeOnFailure: false, callGapMs: opts.callGapMs } : { callGapMs: opts.callGapMs });
  sim.run(10);
  sim.instance('/B/4').status = 500;
  sim.run(opts.envoy ? 40 : 20);
  const eject = sim.events.find((e) => e.type === 'eject' && e.name.toString() === '/B/4');
  const b4 = sim.instance('/B/4').name;
  return {
    drainS: eject ? (eject.at - T0 - 10_000) / 1000 : -1,
    failedFirstAttempts: sim.picks.filter((p) => p.attempt === 1 && p.instance === '/B/4' && p.at >= T0 + 10_000 && (!eject || p.at <= eject.at)).length,
    policyWeightB4: sim.store.lookup(b4, T0 + 20_000)?.instances.find((i) => i.name.equals(b4))?.weight,
    b4Share12to20: sim.share('/B/4', 12, 20),
    failed: sim.failedCalls,
    calls: sim.calls,
  };
}

export interface ScscKillFigures {
  /** When the policy held at the kill (10 s) expires. */
  policyExpiresS: number;
  b4ShareWhileHeld: number;
  b1ShareAfterExpiry: number;
  /** From the restart (40 s) until sg1 holds a policy again that spreads the pool. */
  resumedS: number;
  /** B/4's share of the calls 45-50 s. */
  b4ShareAfterRestart: number;
  failed: number;
  noInstance: number;
  policiesExpired: number;
  staleRejected: number;
  calls: number;
}

export function scscKillCase(): ScscKillFigures {
  const sim = new Sim(figure2Pool());
  sim.run(10);
  sim.killScsc();
  const policyExpiresS = (sim.store.list(T0 + 10_000)[0]!.policy.expires - T0) / 1000;
  sim.run(40);
  const b4ShareWhileHeld = sim.share('/B/4', 10, policyExpiresS);
  const b1ShareAfterExpiry = sim.share('/B/1', policyExpiresS + 0.3, 40);
  sim.startScsc();
  const resumedS = sim.untilWeight('/B/4', 100, 10);
  sim.run(50);
  return {
    policyExpiresS,
    b4ShareWhileHeld,
    b1ShareAfterExpiry,
    resumedS,
    b4ShareAfterRestart: sim.share('/B/4', 45, 50),
    failed: sim.failedCalls,
    noInstance: sim.noInstance,
    policiesExpired: sim.store.counters.policyExpired,
    staleRejected: sim.store.counters.policyDropStale,
    calls: sim.calls,
  };
}
