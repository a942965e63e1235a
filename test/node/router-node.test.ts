import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LabNet } from '../service/lab-net.js';
import { expectedFibs } from './expect-fib.js';

const run = promisify(execFile);

describe('node: router program in-process over memory links (figure2, with its pods and SPAs)', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-node-test-'));
  const sock = join(dir, 'sg1.sock');
  const net = new LabNet('topologies/figure2.yaml', { sockets: { sg1: sock } });
  const sched = net.sched;
  const cfgs = net.cfgs;
  const nodes = net.routers;
  const links = net.links;

  before(async () => {
    await net.start();
  });

  after(() => {
    net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const fibs = () => new Map([...nodes].map(([k, n]) => [k, n.views.fib()]));
  const settle = (want: () => Map<string, unknown>) =>
    sched.runUntil(() => JSON.stringify([...fibs()]) === JSON.stringify([...want()]), 5_000, 5);

  it('every router\'s FIB equals the shortest paths computed from the YAML', () => {
    const ms = settle(() => expectedFibs(cfgs));
    assert.ok(ms >= 0, 'converged');
    assert.deepEqual(fibs(), expectedFibs(cfgs));
    // The pool /C lives in pod2 (behind sg2, over the cost-2 shortcut) and pod3 (behind sg3, via sr1): a tie.
    const c = nodes.get('sg1')!.views.fib().find((e) => e.prefix === '/C')!;
    assert.deepEqual(c.nexthops, [{ interface: 'eth3', neighbor: 'sr1', cost: 2 }, { interface: 'eth4', neighbor: 'sg2', cost: 2 }]);
  });

  it('the ctl prints the FIB JSON shape over the control socket, and a table for people', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/node/ctl.js', '--socket', sock, 'fib', '--json']);
    const fib = JSON.parse(stdout) as unknown;
    assert.deepEqual(fib, expectedFibs(cfgs).get('sg1'));
    const tableOut = (await run(process.execPath, ['dist/src/node/ctl.js', '--socket', sock, 'neighbors'])).stdout;
    assert.match(tableOut, /^INTERFACE\s+NEIGHBOR\s+STATE/);
    assert.match(tableOut, /eth3\s+sr1\s+two-way/);
    const lsdb = JSON.parse((await run(process.execPath, ['dist/src/node/ctl.js', '--socket', sock, 'lsdb', '--json'])).stdout) as { origin: string; kind: string }[];
    // 7 SGs and SRs, and the SCSC's stub router (its adjacency to sr3 and its /damc/scsc prefix).
    assert.equal(lsdb.filter((e) => e.kind === 'adjacency').length, 8);
    assert.equal(lsdb.filter((e) => e.kind === 'prefix').length, 5);
    const counters = JSON.parse((await run(process.execPath, ['dist/src/node/ctl.js', '--socket', sock, 'counters', '--json'])).stdout) as { router: Record<string, number> };
    assert.equal(counters.router.lsaDropBadSignature, 0);
    assert.ok(counters.router.lsaNew! > 0);
  });

  it('the ctl explains an unreachable socket', async () => {
    await assert.rejects(run(process.execPath, ['dist/src/node/ctl.js', '--socket', join(dir, 'none.sock'), 'fib']), (e: { stderr: string }) => {
      assert.match(e.stderr, /CONTROL_UNREACHABLE.*none\.sock[\s\S]*hint:/);
      return true;
    });
  });

  it('forwards a request by name across the fabric and gets the answer back', async () => {
    const p = nodes.get('sg1')!.ping('/damc/router/sg4', 1000);
    sched.advance(1_500);
    const r = await p;
    const c4 = nodes.get('sg4')!.host.core.counters;
    assert.equal(r.result, 'ok', JSON.stringify({ sg1: nodes.get('sg1')!.host.core.counters, sg4: c4 }));
    const q = nodes.get('sg1')!.ping('/Z/nothing', 1000);
    sched.advance(1_500);
    assert.equal((await q).result, 'timeout', 'no route: dropped at the origin, no nack to itself');
  });

  it('moves FIBs when a link loses carrier', () => {
    links.get('sg1:eth4')!.setUp(false);
    const down = new Set(['sg1:eth4']);
    assert.ok(settle(() => expectedFibs(cfgs, down)) >= 0);
    const c = nodes.get('sg1')!.views.fib().find((e) => e.prefix === '/damc/router/sg2')!;
    assert.deepEqual(c.nexthops, [{ interface: 'eth3', neighbor: 'sr1', cost: 3 }]);
    links.get('sg1:eth4')!.setUp(true);
    assert.ok(settle(() => expectedFibs(cfgs)) >= 0);
  });
});

