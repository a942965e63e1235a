/**
 * Scheduling on figure2 in Docker (`scheduling: { spread: pool }`), A/1's calls to /B as a curl
 * loop in pod1: (a) B/4 200 ms slower (pod knob): seconds from the change to the point after
 * which ≥ 90% of the calls avoid B/4, and calls failed meanwhile; (b) B/4 answering 500: seconds
 * until sg1 has it locally ejected, calls failed; (c) the SR link on B/4's shortest path slowed
 * (70 ms leaving sr2 towards sg4): seconds until sr1 forwards /B/4 via sr3 by policy, and
 * until it stops once the delay is gone; (d) the SCSC SIGKILLed mid-stream: calls failed.
 * Prints figures and one JSON line. Needs root and Docker; run under the lab's Docker lock.
 *   scripts/bench-scheduling
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab } from '../src/lab/index.js';
import { exec } from '../test/node/lab-routing.js';
import { delayCase, errorCase, linkCase, schedulingTopology, scscKillCase, sleep, waitReady, type Figures } from '../test/scheduling/docker-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'damc-bench-sched-'));
const file = join(dir, 'figure2-sched.yaml');
writeFileSync(file, schedulingTopology());
const lab = Lab.fromFile(file, dockerContext(), { name: `b-sched-${process.pid}` });
try {
  await lab.deploy();
  console.error(`ready after ${await waitReady(lab, 90_000)} ms`);
  const e = await errorCase(lab);
  console.error(`500 case: drained locally after ${e.drainS} s, ${e.failed} failed of ${e.calls.length} calls`);
  await sleep(3000);
  const d = await delayCase(lab);
  console.error(`delay case: ≥ 90% shift after ${d.shiftS} s, ${d.failed} failed of ${d.calls.length} calls`);
  await sleep(2000);
  const cli = (args: string[]) => exec(process.execPath, [join(import.meta.dirname, '../src/cli/main.js'), ...args, '--lab', lab.name]);
  const l = await linkCase(lab, cli);
  console.error(`link case: sr1 steers /B/4 via sr3 after ${l.steerS} s, back to shortest path ${l.clearS} s after the reset; ` +
    `sr1 frames to sr2/sr3 during ${l.during.calls} calls to 4.B: ${l.during.viaSr2}/${l.during.viaSr3}, ${l.before.failed + l.during.failed} failed`);
  console.error(`$ lab policies sr1   (while sr2:eth2 had 70 ms)\n${l.policiesText.trimEnd()}`);
  for (const x of l.scscLinks) console.error(`scsc: link ${x.from} -> ${x.to}: ${x.reasons.join('; ')}`);
  await sleep(2000);
  const k = await scscKillCase(lab);
  console.error(`SCSC killed: ${k.failed} failed of ${k.calls.length} calls`);
  const out: Figures = { delay_shift_s: d.shiftS ?? null, delay_failed: d.failed, error_drain_s: e.drainS ?? null, error_failed: e.failed, scsc_kill_failed: k.failed,
    link_steer_s: l.steerS ?? null, link_clear_s: l.clearS ?? null, link_failed: l.before.failed + l.during.failed };
  console.log(JSON.stringify(out));
} finally {
  await lab.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
