/**
 * Scheduling on the real lab: figure2 (B/1, B/3, B/4) with `scheduling: { spread: pool }`,
 * the SCSC a stub router at sr3. The issue's cases, measured on A/1's calls to /B (curl in pod1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab } from '../../src/lab/index.js';
import { exec } from '../node/lab-routing.js';
import { ctl, delayCase, errorCase, schedulingTopology, scscKillCase, sleep, waitReady } from './docker-scenarios.js';

describe('scheduling @docker figure2: local drain, policy shift, SCSC not in the data path', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-sched-docker-'));
  const file = join(dir, 'figure2-sched.yaml');
  writeFileSync(file, schedulingTopology());
  const lab = Lab.fromFile(file, dockerContext(), { name: `t-sched-${process.pid}` });
  const cli = (args: string[]) => exec(process.execPath, ['dist/src/cli/main.js', ...args, '--lab', lab.name]);

  before(async () => {
    await lab.deploy();
    console.log(`      ready (calls through, sg1 holds a policy) after ${await waitReady(lab, 90_000)} ms`);
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('B/4 answers 500: drained locally within 1 s, no call fails (one retry on another instance)', async () => {
    const r = await errorCase(lab);
    console.log(`      drain ${r.drainS} s, failed ${r.failed} of ${r.calls.length}`);
    assert.ok(r.drainS !== undefined && r.drainS <= 1, `drained after ${r.drainS} s`);
    assert.equal(r.failed, 0);
    await sleep(3000); // let B/4 back in before the next case
  });

  it('B/4 200 ms slower: within 5 s ≥ 90% of A/1\'s calls to /B avoid it, by policy, and spread again once it recovers; lab policies, scsc, metrics show it', async () => {
    const r = await delayCase(lab);
    console.log(`      shift ${r.shiftS} s, failed ${r.failed} of ${r.calls.length}; B/4's share once it recovered ${r.b4ShareAfterRecovery.toFixed(2)}`);
    assert.ok(r.shiftS !== undefined && r.shiftS <= 5, `shift after ${r.shiftS} s`);
    assert.equal(r.failed, 0);
    assert.ok(r.b4ShareAfterRecovery >= 0.15, 'traffic spreads over B/4 again once its delay is gone');
    const scsc = JSON.parse((await cli(['scsc', '--json'])).stdout) as { decisions: { action: string; instance: string; reasons: string[] }[] };
    assert.ok(scsc.decisions.some((d) => d.action === 'drain' && d.instance === '/B/4' && d.reasons.some((x) => /^rtt /.test(x))), JSON.stringify(scsc.decisions));
    const pol = (await cli(['policies', 'sg1'])).stdout;
    assert.match(pol, /\/damc\/scsc\/scsc {2}version \d+/);
    assert.match((await cli(['metrics', 'sg1'])).stdout, /^damc_sg_probes_total\{instance="\/B\/4"\} [1-9]/m);
    assert.match((await cli(['metrics', 'scsc'])).stdout, /^damc_scsc_telemetry_total [1-9]/m);
    const all = JSON.parse((await cli(['policies', '--json'])).stdout) as Record<string, { counters: Record<string, number> }>;
    assert.deepEqual(Object.keys(all), ['sg1', 'sg2', 'sg3', 'sg4', 'sr1', 'sr2', 'sr3']);
    assert.ok(all.sg1!.counters.policyInstalled! > 0);
  });

  it('SCSC killed during a steady call stream: zero failed calls; restarted, policies resume', async () => {
    const r = await scscKillCase(lab);
    console.log(`      failed ${r.failed} of ${r.calls.length} with the SCSC killed`);
    assert.equal(r.failed, 0);
    const expired = (await ctl(lab, 'sg1', 'policies')) as { policies: unknown[]; counters: { policyExpired: number } };
    assert.equal(expired.policies.length, 0, 'sg1\'s policy expired (lifetime 6 s) and it routes alone');
    await lab.restart('scsc');
    const t0 = Date.now();
    for (;;) {
      const p = (await ctl(lab, 'sg1', 'policies')) as { policies: unknown[] };
      if (p.policies.length > 0) break;
      assert.ok(Date.now() - t0 < 30_000, 'a restarted SCSC pushes policies again within 30 s');
      await sleep(300);
    }
    console.log(`      policies resumed ${Date.now() - t0} ms after the restart`);
  });
});
