/**
 * Routing on the real thing: figure2 in Docker, routers on raw AF_PACKET faces. The LSA
 * lifetime is shortened (10 s, refresh 3 s) in a copy of the YAML so that expiry of a killed
 * router's LSAs fits in a test; everything else is figure2 as written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab, PROJECT_DIR } from '../../src/lab/index.js';
import {
  configsFromYaml, ctlExec, ctlJson, exec, forgetPid, expectedFibs, pidOf, routers, run, silence, waitFibs, type FibEntry,
} from './lab-routing.js';

describe('routing @docker figure2', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-rt-docker-'));
  const file = join(dir, 'figure2.yaml');
  writeFileSync(file, readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8')
    .replace(/lsaLifetimeS: \d+/, 'lsaLifetimeS: 10').replace(/lsaRefreshS: \d+/, 'lsaRefreshS: 3'));
  const lab = Lab.fromFile(file, dockerContext(), { name: `t-rt-${process.pid}` });
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  const want = (down: string[] = [], dead: string[] = []) => new Map([...expectedFibs(cfgs, new Set(down), new Set(dead))].filter(([n]) => all.includes(n)));

  before(async () => {
    await lab.deploy();
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every SG\'s FIB holds every pod prefix with exactly the shortest-path next hops', async () => {
    const ms = await waitFibs(lab, want(), 20_000);
    console.log(`      converged ${ms} ms after deploy returned`);
    // The same through the command a person types inside a node. Retried briefly: on a loaded
    // 2-core machine a 300 ms dead interval can flap an adjacency for a moment.
    const podPrefixes = ['/A/1', '/B/1', '/C/2', '/A/2', '/B/3', '/C/3', '/A/4', '/B/4'];
    const expected = want();
    for (const sg of ['sg1', 'sg2', 'sg3', 'sg4']) {
      let fib: FibEntry[] | undefined;
      for (let i = 0; i < 10; i++) {
        fib = await ctlExec<FibEntry[]>(lab, sg, 'fib');
        if (JSON.stringify(fib) === JSON.stringify(expected.get(sg))) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.deepEqual(fib, expected.get(sg), `${sg}: ctl fib --json`);
      for (const p of podPrefixes) assert.ok(fib!.some((e) => e.prefix === p), `${sg} has ${p}`);
    }
    // One a person can check on the drawing: sg1 reaches pool /C at cost 2 both via the
    // shortcut to sg2 and via sr1 to sg3.
    const c = expected.get('sg1')!.find((e) => e.prefix === '/C')!;
    assert.deepEqual(c.nexthops, [{ interface: 'eth3', neighbor: 'sr1', cost: 2 }, { interface: 'eth4', neighbor: 'sg2', cost: 2 }]);
  });

  it('`lab fib|neighbors <node>` and `lab ping` show the same from the host', async () => {
    const lab_ = join(PROJECT_DIR, 'lab');
    const expected = want();
    let fib: FibEntry[] | undefined;
    for (let i = 0; i < 10; i++) {
      fib = JSON.parse((await exec(lab_, ['fib', 'sg2', '--json', '--lab', lab.name])).stdout) as FibEntry[];
      if (JSON.stringify(fib) === JSON.stringify(expected.get('sg2'))) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(fib, expected.get('sg2'));
    const table = (await exec(lab_, ['neighbors', 'sr3', '--lab', lab.name])).stdout;
    for (const n of ['sg3', 'sg4', 'sr1', 'sr2']) assert.match(table, new RegExp(`\\b${n}\\s+two-way`), table);
    const ping = await exec(lab_, ['ping', 'sg1', '/damc/router/sg4', '--lab', lab.name]);
    assert.match(ping.stdout, /^\/damc\/router\/sg4: ok, \d+ ms/);
    // An SPA answers on its control socket, but has no routes to show.
    await assert.rejects(exec(lab_, ['fib', 'spa1', '--lab', lab.name]), (e: { stderr: string }) => /unknown command "fib" \(this is an SPA/.test(e.stderr));
    await assert.rejects(exec(lab_, ['fib', 'pod1', '--lab', lab.name]), (e: { stderr: string }) => /CONTROL_UNREACHABLE/.test(e.stderr));
  });

  it('`ip link set down` inside a container moves FIBs to the other path, and back on up', async () => {
    assert.equal((await run(lab, 'sg1', ['ip', 'link', 'set', 'eth4', 'down'])).code, 0);
    await waitFibs(lab, want(['sg1:eth4']), 5_000);
    const c = (await ctlJson<FibEntry[]>(lab, 'sg1', 'fib'))!.find((e) => e.prefix === '/C/2')!;
    assert.deepEqual(c.nexthops, [{ interface: 'eth3', neighbor: 'sr1', cost: 3 }]);
    assert.equal((await run(lab, 'sg1', ['ip', 'link', 'set', 'eth4', 'up'])).code, 0);
    await waitFibs(lab, want(), 5_000);
  });

  it('a silent failure (frames dropped, carrier up) is detected by the dead interval', async () => {
    const [p1, p3] = [await pidOf(lab, 'sr1'), await pidOf(lab, 'sr3')];
    await silence(p1, 'eth4', true);
    await silence(p3, 'eth3', true);
    try {
      await waitFibs(lab, want(['sr1:eth4']), 5_000);
    } finally {
      await silence(p1, 'eth4', false);
      await silence(p3, 'eth3', false);
    }
    await waitFibs(lab, want(), 5_000);
  });

  let sr3SeqBefore = 0n;
  it('`docker kill` of an SR: neighbors drop it, FIBs route around it, its LSAs expire', async () => {
    const lsdb = (await ctlJson<{ origin: string; kind: string; seq: string }[]>(lab, 'sg1', 'lsdb'))!;
    sr3SeqBefore = BigInt(lsdb.find((e) => e.origin === 'sr3' && e.kind === 'adjacency')!.seq);
    await exec('docker', ['kill', `damc-${lab.name}-sr3`]);
    forgetPid(lab, 'sr3');
    const alive = all.filter((n) => n !== 'sr3');
    await waitFibs(lab, new Map([...want([], ['sr3'])].filter(([n]) => alive.includes(n))), 5_000);
    const nb = (await ctlJson<{ neighbor: string }[]>(lab, 'sg3', 'neighbors'))!;
    assert.ok(!nb.some((n) => n.neighbor === 'sr3'), 'sg3 no longer lists sr3');
    const t0 = Date.now();
    for (;;) {
      const db = (await ctlJson<{ origin: string }[]>(lab, 'sg1', 'lsdb'))!;
      if (!db.some((e) => e.origin === 'sr3')) break;
      assert.ok(Date.now() - t0 < 15_000, 'sr3\'s LSAs expire within the 10 s lifetime');
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  it('restart: the SR rejoins and its new LSAs are accepted', async () => {
    // What a person types: the lab restarts the container and plugs its links back in.
    const r = await exec(join(PROJECT_DIR, 'lab'), ['restart', 'sr3', '--lab', lab.name]);
    assert.match(r.stdout, /restarted sr3 of lab t-rt-\d+: 5 links re-created/);
    forgetPid(lab, 'sr3');
    await waitFibs(lab, want(), 20_000);
    const lsdb = (await ctlJson<{ origin: string; kind: string; seq: string }[]>(lab, 'sg1', 'lsdb'))!;
    assert.ok(BigInt(lsdb.find((e) => e.origin === 'sr3' && e.kind === 'adjacency')!.seq) > sr3SeqBefore);
    const c = (await ctlJson<{ router: Record<string, number> }>(lab, 'sr3', 'counters'))!;
    assert.equal(c.router.lsaDropBadSignature, 0);
  });
});
