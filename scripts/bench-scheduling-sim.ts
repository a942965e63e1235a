/**
 * The scheduling core's figures in virtual time (one simulated SG calling the pool /B = B/1 +
 * B/4, a simulated SCSC; test/scheduling/sim.ts): the delay shift, the local drain on 500s
 * (ours and Envoy's outlier defaults in the same place) and the SCSC kill. No Docker, no
 * network: it shows what the algorithms do with the timers they have, not what the lab does
 * (scripts/bench-scheduling, with the service plane, is for that). Last line is JSON.
 *   scripts/bench-scheduling-sim
 */
import { delayCase, errorCase, scscKillCase } from '../test/scheduling/scenarios.js';

const delay = delayCase();
const error = errorCase();
const envoy = errorCase({ envoy: true });
const kill = scscKillCase();
console.log(`delay +200 ms on B/4: >= 90% of calls on B/1 after ${delay.shiftS} s (B/1 share 15-20 s: ${delay.b1Share15to20.toFixed(3)}), weight back ${delay.respreadS} s after removal (B/4 share 30-35 s: ${delay.b4Share30to35.toFixed(3)}), ${delay.failed}/${delay.calls} calls failed`);
console.log(`B/4 answers 500: ejected locally after ${error.drainS} s (${error.failedFirstAttempts} first attempts failed and were retried), policy weight ${error.policyWeightB4}, ${error.failed}/${error.calls} calls failed`);
console.log(`  same with Envoy's outlier defaults: ejected after ${envoy.drainS} s, ${envoy.failedFirstAttempts} first attempts failed`);
console.log(`SCSC killed at 10 s: policy held until ${kill.policyExpiresS} s (B/4 share ${kill.b4ShareWhileHeld.toFixed(3)}), then shortest path (B/1 share ${kill.b1ShareAfterExpiry}); restart at 40 s: policy back after ${kill.resumedS} s (B/4 share 45-50 s: ${kill.b4ShareAfterRestart.toFixed(3)}); ${kill.failed}/${kill.calls} calls failed`);
console.log(JSON.stringify({
  mode: 'virtual-time',
  delay_shift_s: delay.shiftS,
  delay_failed: delay.failed,
  error_drain_s: error.drainS,
  error_failed: error.failed,
  envoy_error_drain_s: envoy.drainS,
  scsc_kill_failed: kill.failed,
}));
