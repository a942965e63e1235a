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
import { ctl, delayCase, errorCase, linkCase, schedulingTopology, scscKillCase, sleep, waitReady } from './docker-scenarios.js';
import { run } from '../node/lab-routing.js';

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

  it('/damc/scsc is granted by an SPA like any prefix: the SCSC asked through an SG, an SPA granted it to the SCSC', async () => {
    const spas: string[] = [];
    for (const n of ['spa1', 'spa2', 'spa3', 'spa4']) {
      const g = (await ctl(lab, n, 'grants')) as { grants: { prefix: string; gateway: string }[] };
      if (g.grants.some((x) => x.prefix === '/damc/scsc' && x.gateway === '/damc/scsc/scsc')) spas.push(n);
    }
    const relays: string[] = [];
    for (const n of ['sg1', 'sg2', 'sg3', 'sg4']) if (((await ctl(lab, n, 'counters')) as { spaRelay: { relayBack: number } }).spaRelay.relayBack > 0) relays.push(n);
    console.log(`      /damc/scsc granted by ${spas.join(', ')}, relayed by ${relays.join(', ')}`);
    assert.ok(spas.length >= 1 && relays.length >= 1);
    assert.equal(spas[0]!.replace('spa', ''), relays[0]!.replace('sg', ''), 'the SPA of the SG that relayed');
    const c = (await ctl(lab, 'scsc', 'counters')) as { scscGrant: { granted: number } };
    assert.ok(c.scscGrant.granted >= 1);
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

  it('the SR link on B/4\'s shortest path from A/1 slowed (70 ms sr2 -> sg4): the SCSC moves /B/4 onto sr3 at sr1, seen in lab policies and in sr1\'s frames; fast again, the entry goes', async () => {
    const r = await linkCase(lab, cli);
    console.log(`      steered after ${r.steerS} s, cleared ${r.clearS} s after the reset; sr1 frames to sr2/sr3 for calls to 4.B: before ${r.before.viaSr2}/${r.before.viaSr3} (${r.before.calls} calls), during ${r.during.viaSr2}/${r.during.viaSr3} (${r.during.calls} calls)`);
    assert.ok(r.steerS !== undefined, `sr1 never steered /B/4 via sr3:\n${r.policiesText}`);
    assert.match(r.policiesText, /\/B\/4 +nexthops \/damc\/router\/sr3=1/);
    assert.match(r.policiesText, /forwarding \/B\/4 by policy via sr3 \(eth4\)/);
    assert.ok(r.scscLinks.some((l) => l.from === '/damc/router/sr2' && l.to === '/damc/router/sg4' && l.reasons.some((x) => /^rtt /.test(x))), JSON.stringify(r.scscLinks));
    assert.equal(r.before.failed + r.during.failed, 0);
    // Shortest path: equal-cost sharing at sr1; steered: each call is one more frame to sr3 (hellos, probes, acks are background on both).
    assert.ok(Math.abs(r.before.viaSr3 - r.before.viaSr2) < r.before.calls / 2, JSON.stringify(r.before));
    assert.ok(r.during.viaSr3 - r.during.viaSr2 >= 0.8 * r.during.calls, JSON.stringify(r.during));
    assert.ok(r.clearS !== undefined, 'the entry goes once the link is fast again');
  });

  it('a policy signed by a trusted router (its own or in the SCSC\'s name) or expired, injected on the wire, is refused and counted at sg1', async () => {
    const before = (await ctl(lab, 'sg1', 'policies')) as { counters: Record<string, number> };
    for (const [node, mode] of [['sr1', 'own'], ['sr1', 'as-scsc'], ['scsc', 'expired']] as const) {
      const r = await run(lab, node, ['node', '/opt/damc/dist/test/scheduling/inject-policy.js', 'sg1', mode]);
      assert.match(r.out, /^sent a /, r.out);
    }
    const want = { policyDropUnknownOrigin: 1, policyDropBadSignature: 1, policyDropExpired: 1 };
    const t0 = Date.now();
    let got: Record<string, number> = {};
    for (;;) {
      const c = ((await ctl(lab, 'sg1', 'policies')) as { counters: Record<string, number> }).counters;
      got = Object.fromEntries(Object.keys(want).map((k) => [k, c[k]! - before.counters[k]!]));
      if (Object.entries(want).every(([k, v]) => got[k]! >= v) || Date.now() - t0 > 5000) break;
      await sleep(200);
    }
    assert.deepEqual(got, want);
    const json = JSON.parse((await cli(['policies', 'sg1', '--json'])).stdout) as { counters: Record<string, number>; policies: { origin: string }[] };
    assert.ok(json.counters.policyDropUnknownOrigin! > 0);
    assert.ok(json.policies.every((p) => p.origin === '/damc/scsc/scsc'), 'only the SCSC\'s policy is held');
    assert.match((await cli(['policies', 'sg1'])).stdout, /bad signature [1-9].*unknown origin [1-9]/);
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
