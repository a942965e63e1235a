/**
 * `hosting: shared` on the real thing: figure2 with its three SRs' routers in shared router
 * processes on the host (src/node/pool), everything else as in the routing test. What must
 * hold: the SR containers run no router of their own, yet their FIBs, control sockets and
 * logs are where they always are; a link down, a `docker kill` and a `lab restart` of a
 * hosted SR do what they do to an SR in its own process; destroy ends the shared processes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab, PROJECT_DIR } from '../../src/lab/index.js';
import { processAlive as alive } from '../../src/lab/pools.js';
import { configsFromYaml, ctlJson, exec, forgetPid, expectedFibs, routers, run, waitFibs } from './lab-routing.js';


describe('routing @docker figure2 with hosting: shared (SR routers in shared processes)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-host-docker-'));
  const file = join(dir, 'figure2.yaml');
  writeFileSync(file, readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8').replace(/^timers:/m, 'hosting: shared\ntimers:'));
  const lab = Lab.fromFile(file, dockerContext(), { name: `t-host-${process.pid}` });
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  const want = (down: string[] = [], dead: string[] = []) => new Map([...expectedFibs(cfgs, new Set(down), new Set(dead))].filter(([n]) => all.includes(n) && !dead.includes(n)));
  let labDir = '';
  let poolPids: number[] = [];
  const labCli = join(PROJECT_DIR, 'lab');

  before(async () => {
    const r = await lab.deploy();
    labDir = r.labDir;
    assert.match((r.notes ?? []).join('\n'), /3 SR routers run in 2 shared router processes/);
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the SRs in two host processes, none in their containers, and `lab inspect` says which', async () => {
    poolPids = readdirSync(labDir).filter((f) => /^pool-\d\.pid$/.test(f)).map((f) => Number(readFileSync(join(labDir, f), 'utf8')));
    assert.equal(poolPids.length, 2);
    for (const p of poolPids) assert.ok(alive(p), `pool ${p} runs`);
    const ps = (await run(lab, 'sr1', ['ps', '-eo', 'args'])).out;
    assert.doesNotMatch(ps, /node/, ps);
    assert.match((await run(lab, 'sg1', ['ps', '-eo', 'args'])).out, /node .*main/);
    const inspect = (await exec(labCli, ['inspect', '--lab', lab.name])).stdout;
    assert.match(inspect, /routers in shared processes .*: pool-1 2, pool-2 1/, inspect);
  });

  it('every router\'s FIB (SRs\' through their containers\' control sockets) is the shortest paths', async () => {
    const ms = await waitFibs(lab, want(), 30_000);
    console.log(`      converged ${ms} ms after deploy returned`);
    const nb = (await exec(labCli, ['neighbors', 'sr3', '--lab', lab.name])).stdout;
    for (const n of ['sg3', 'sg4', 'sr1', 'sr2']) assert.match(nb, new RegExp(`\\b${n}\\s+two-way`), nb);
    const ping = await exec(labCli, ['ping', 'sr1', '/damc/router/sg4', '--lab', lab.name]);
    assert.match(ping.stdout, /^\/damc\/router\/sg4: ok, \d+ ms/);
    // Its log lines are in its container's log, as they would be from its own process.
    const logs = (await exec('docker', ['logs', `damc-${lab.name}-sr2`])).stdout;
    assert.match(logs, /"msg":"router starting"/);
    assert.match(logs, /"node":"sr2"/);
    assert.match(logs, /adjacency up: sr3/);
  });

  it('`ip link set down` in a hosted SR\'s container moves FIBs, and back on up', async () => {
    assert.equal((await run(lab, 'sr1', ['ip', 'link', 'set', 'eth4', 'down'])).code, 0);
    await waitFibs(lab, want(['sr1:eth4']), 5_000);
    assert.equal((await run(lab, 'sr1', ['ip', 'link', 'set', 'eth4', 'up'])).code, 0);
    await waitFibs(lab, want(), 5_000);
  });

  it('`docker kill` of a hosted SR: its router stops, the kernel drops its veths, FIBs route around it', async () => {
    await exec('docker', ['kill', `damc-${lab.name}-sr3`]);
    forgetPid(lab, 'sr3');
    const t0 = Date.now();
    await waitFibs(lab, want([], ['sr3']), 5_000);
    console.log(`      FIBs around sr3 ${Date.now() - t0} ms after docker kill returned`);
    const nb = (await ctlJson<{ neighbor: string }[]>(lab, 'sg3', 'neighbors'))!;
    assert.ok(!nb.some((n) => n.neighbor === 'sr3'), 'sg3 no longer lists sr3');
    for (const p of poolPids) assert.ok(alive(p), 'the pools keep running for their other routers');
  });

  it('`lab restart` of it: the router runs again in its pool and every FIB is back', async () => {
    const r = await exec(labCli, ['restart', 'sr3', '--lab', lab.name]);
    assert.match(r.stdout, /restarted sr3 of lab t-host-\d+: 5 links re-created/);
    forgetPid(lab, 'sr3');
    await waitFibs(lab, want(), 20_000);
    const c = (await ctlJson<{ router: Record<string, number> }>(lab, 'sr3', 'counters'))!;
    assert.equal(c.router.lsaDropBadSignature, 0);
  });

  it('destroy ends the shared processes', async () => {
    await lab.destroy();
    for (const p of poolPids) assert.ok(!alive(p), `pool ${p} ended`);
    assert.ok(!existsSync(labDir));
  });
});
