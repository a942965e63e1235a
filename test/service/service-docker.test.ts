/**
 * The signaling half of the service plane on the real thing (service-line in Docker, raw
 * AF_PACKET faces, one program per container): SPA policy, a router advertising without a
 * grant, the SPA killed and back, and an SG with 5,000 instance prefixes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dockerContext, Lab, PROJECT_DIR } from '../../src/lab/index.js';
import { ctlJson, forgetPid, run, type FibEntry } from '../node/lab-routing.js';

const exec = promisify(execFile);
const ROUTERS = ['sg1', 'sr1', 'sg2'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('service signaling @docker service-line', function () {
  this.timeout(240_000);
  const lab = Lab.fromFile(join(PROJECT_DIR, 'topologies/service-line.yaml'), dockerContext(), { name: `t-sig-${process.pid}` });
  const fib = async (node: string) => ((await ctlJson<FibEntry[]>(lab, node, 'fib')) ?? []).map((e) => e.prefix);
  const inAll = async (p: string) => (await Promise.all(ROUTERS.map(fib))).every((f) => f.includes(p));
  const inNone = async (p: string) => (await Promise.all(ROUTERS.map(fib))).every((f) => !f.includes(p));
  async function waitFor(what: string, ok: () => Promise<boolean>, ms: number): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (await ok()) return Date.now() - t0;
      await sleep(200);
    }
    throw new Error(`${what}: not within ${ms} ms`);
  }
  const agent = (args: string[]) => run(lab, 'pod1', ['node', '/opt/damc/dist/src/node/ctl.js', '--socket', '/run/damc/agent.sock', ...args]);

  before(async () => {
    await lab.deploy();
    const ms = await waitFor('pod prefixes advertised', async () => (await inAll('/A/1')) && (await inAll('/B/2')), 30_000);
    console.log(`      granted prefixes in every FIB ${ms} ms after deploy returned`);
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
  });

  it('SPA policy denies pod1 its /B/1: in no FIB anywhere, and the SPA\'s log shows the rejection', async () => {
    await sleep(1_000);
    assert.ok(await inNone('/B/1'), 'no router has /B/1');
    assert.deepEqual((await ctlJson<FibEntry[]>(lab, 'sg1', 'fib'))!.find((e) => e.prefix === '/B')!.nexthops.map((h) => h.neighbor), ['sr1'], 'sg1 reaches /B only at pod2');
    const { stdout } = await exec('docker', ['logs', `damc-${lab.name}-spa1`]);
    const line = stdout.split('\n').find((l) => l.includes('"event":"reject"') && l.includes('/B/1'));
    assert.ok(line, `the SPA's log shows the rejection:\n${stdout}`);
    assert.match(line!, /pod1 may not own/);
    const view = JSON.parse((await exec(join(PROJECT_DIR, 'lab'), ['grants', 'spa1', '--lab', lab.name, '--json'])).stdout) as { rejections: { prefixes: string[] }[] };
    assert.ok(view.rejections.some((r) => r.prefixes.includes('/B/1')), '`lab grants spa1` lists it');
    const table = (await exec(join(PROJECT_DIR, 'lab'), ['grants', 'pod1', '--lab', lab.name])).stdout;
    assert.match(table, /\/B\/1\s+rejected\s+not-authorized/, `the pod got the failure notification:\n${table}`);
  });

  it('a hand-made prefix LSA without a grant, injected at a router, is ignored everywhere and counted', async () => {
    const before = await Promise.all(['sg1', 'sg2'].map((n) => ctlJson<{ grants: Record<string, number> }>(lab, n, 'counters')));
    const r = await run(lab, 'sr1', ['node', '/opt/damc/dist/test/service/inject-lsa.js', '/EVIL', '/A/1']);
    assert.equal(r.code, 0, r.out);
    for (let i = 0; i < 10; i++) {
      assert.ok(await inNone('/EVIL'), 'never in a FIB');
      await sleep(200);
    }
    const after = await Promise.all(['sg1', 'sg2'].map((n) => ctlJson<{ grants: Record<string, number> }>(lab, n, 'counters')));
    for (const [i, n] of ['sg1', 'sg2'].entries()) {
      assert.equal(after[i]!.grants['prefix-no-grant']! - before[i]!.grants['prefix-no-grant']!, 2, `${n} counted both prefixes`);
    }
    const rib = (await ctlJson<{ prefix: string; origins: string[] }[]>(lab, 'sg2', 'rib'))!;
    assert.deepEqual(rib.find((e) => e.prefix === '/A/1')!.origins, ['sg1'], 'sr1 did not become an origin of /A/1');
    // A pod calling it gets 404 with the reason, not a 502 "no route"
    const denied = await run(lab, 'pod1', ['curl', '-s', '-w', '\n%{http_code}', '--max-time', '10', 'http://EVIL/echo']);
    assert.match(denied.out, /denied service \/EVIL: advertised without a valid SPA grant \(sr1: no-grant\)[^\n]*\n+404$/, denied.out);
  });

  it('SPA killed: what was granted stays and calls keep working; a new instance is advertised only once the SPA is back', async () => {
    await exec('docker', ['kill', `damc-${lab.name}-spa1`]);
    const added = await agent(['instance', 'start', 'X/1']);
    assert.equal(added.code, 0, added.out);
    for (let i = 0; i < 25; i++) {
      assert.ok(await inAll('/A/1'), 'granted prefixes stay in every FIB');
      assert.ok(await inNone('/X/1'), 'fail closed: /X/1 is not advertised without the SPA');
      await sleep(200);
    }
    // Calls keep working: pod2 reaches pod1's A/1 through the mesh with pod1's SPA dead.
    for (let i = 0; i < 5; i++) {
      const call = await run(lab, 'pod2', ['curl', '-sf', '--max-time', '10', 'http://A/echo']);
      assert.equal(call.code, 0, call.out);
      assert.match(call.out, /"instance":"A\/1"/);
    }
    const sg1 = (await ctlJson<{ spaAnswering: boolean; counters: Record<string, number> }>(lab, 'sg1', 'grants'))!;
    assert.equal(sg1.spaAnswering, false);
    assert.ok(sg1.counters.authTimeouts! >= 2, JSON.stringify(sg1.counters));
    await exec(join(PROJECT_DIR, 'lab'), ['restart', 'spa1', '--lab', lab.name]);
    forgetPid(lab, 'spa1');
    const ms = await waitFor('/X/1 advertised after the SPA came back', () => inAll('/X/1'), 20_000);
    console.log(`      /X/1 in every FIB ${ms} ms after the SPA restarted`);
  });

  it('a pod killed: its SG withdraws its prefixes on its own after the hold time', async () => {
    await exec('docker', ['kill', `damc-${lab.name}-pod1`]);
    const t0 = Date.now();
    await waitFor('/A/1 withdrawn', () => inNone('/A/1'), 15_000);
    const ms = Date.now() - t0;
    console.log(`      pod1's prefixes gone from every FIB ${ms} ms after docker kill (hold 7 s)`);
    assert.ok(ms >= 4_000, `not before the hold time (${ms} ms)`);
  });

  it('an SG with 5,000 instance prefixes: every router\'s FIB holds them', async () => {
    const instances = Array.from({ length: 5000 }, (_, i) => `Y/${i + 1}`);
    const r = await run(lab, 'pod2', ['node', '/opt/damc/dist/src/node/ctl.js', '--socket', '/run/damc/agent.sock', 'instance', 'start', ...instances]);
    assert.equal(r.code, 0, r.out.slice(0, 500));
    const count = async (n: string) => (await fib(n)).filter((p) => p.startsWith('/Y/')).length;
    const t0 = Date.now();
    let last: number[] = [];
    while (Date.now() - t0 < 90_000) {
      last = await Promise.all(ROUTERS.map(count));
      if (last.every((c) => c === 5000)) break;
      await sleep(500);
    }
    assert.deepEqual(last, [5000, 5000, 5000], `FIB sizes ${ROUTERS.join(',')}`);
    const lsdb = (await ctlJson<{ origin: string; kind: string }[]>(lab, 'sr1', 'lsdb'))!;
    const parts = lsdb.filter((e) => e.origin === 'sg2' && e.kind === 'prefix').length;
    console.log(`      5,000 prefixes in every FIB ${Date.now() - t0} ms after the pod started them; sg2's prefix LSA in ${parts} parts`);
    assert.ok(parts > 10);
  });
});
