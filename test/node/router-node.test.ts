import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Face } from '../../src/face/face.js';
import { MemoryLink, MemoryLinkWatcher } from '../../src/face/memory-link.js';
import { fabricInterfaces, RouterNode } from '../../src/node/router-node.js';
import { MemorySeqStore, VirtualScheduler } from '../../src/routing/index.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';
import { logger } from '../../src/util/log.js';
import { expectedFibs } from './expect-fib.js';

const run = promisify(execFile);

describe('node: router program in-process over memory links (figure2)', function () {
  this.timeout(30_000);
  const sched = new VirtualScheduler();
  const cfgs = buildNodeConfigs(loadTopology('topologies/figure2.yaml'));
  const nodes = new Map<string, RouterNode>();
  const links = new Map<string, MemoryLink>();
  const dir = mkdtempSync(join(tmpdir(), 'damc-node-test-'));
  const sock = join(dir, 'sg1.sock');
  const log = logger('test:router', {});
  log.level = 'silent';

  before(async () => {
    const faces = new Map<string, Face[]>();
    const watchers = new Map<string, MemoryLinkWatcher>();
    const routers = [...cfgs.values()].filter((c) => c.kind === 'damc-sg' || c.kind === 'damc-sr' || c.kind === 'damc-scsc');
    for (const c of routers) watchers.set(c.node, new MemoryLinkWatcher());
    for (const c of routers) {
      for (const i of fabricInterfaces(c)) {
        if (c.node > i.peerNode) continue; // one link per pair of ends
        const l = new MemoryLink({ ifname: i.name, watcher: watchers.get(c.node) }, { ifname: i.peerIface, watcher: watchers.get(i.peerNode) }, { scheduler: sched, delayMs: 1 });
        links.set(`${c.node}:${i.name}`, l);
        faces.set(c.node, [...(faces.get(c.node) ?? []), l.a]);
        faces.set(i.peerNode, [...(faces.get(i.peerNode) ?? []), l.b]);
      }
    }
    for (const c of routers) {
      const n = new RouterNode(c, {
        faces: faces.get(c.node)!, watcher: watchers.get(c.node), scheduler: sched, seqStore: new MemorySeqStore(), log,
        controlPath: c.node === 'sg1' ? sock : undefined,
      });
      await n.start();
      nodes.set(c.node, n);
    }
  });

  after(() => {
    for (const n of nodes.values()) n.stop();
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

