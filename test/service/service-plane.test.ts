/**
 * The signaling half of the service plane, whole labs in one process (virtual time): pods
 * announce (class 1), SPAs grant or refuse (class 3), SGs flood only granted prefixes and every
 * router checks grants (class 2). What a user checks: which prefixes are in which FIB.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signLsa, encode, Name, type Lsa } from '../../src/wire/index.js';
import { issueGrant } from '../../src/service/index.js';
import { expectedFibs } from '../node/expect-fib.js';
import { LabNet } from './lab-net.js';

const has = (net: LabNet, node: string, p: string) => net.fibPrefixes(node).includes(p);
const routersOf = (net: LabNet) => [...net.routers.keys()];

const run = promisify(execFile);

describe('service plane in-process: figure2 (pods, SPAs, SGs, SRs over memory links)', function () {
  this.timeout(60_000);
  let net: LabNet;
  const dir = mkdtempSync(join(tmpdir(), 'damc-svc-test-'));
  const sock = (n: string) => join(dir, `${n}.sock`);
  before(async () => {
    net = await new LabNet('topologies/figure2.yaml', { sockets: { sg1: sock('sg1'), spa1: sock('spa1'), sr2: sock('sr2') } }).start();
  });
  after(() => {
    net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every router ends with the FIB the YAML implies, each pod prefix carried with its SPA grant', () => {
    const fibs = () => new Map([...net.routers].map(([k, n]) => [k, n.views.fib()]));
    const want = expectedFibs(net.cfgs);
    const ms = net.until(() => JSON.stringify([...fibs()]) === JSON.stringify([...want]), 20_000);
    assert.ok(ms >= 0, 'converged');
    const lsa = net.routers.get('sr3')!.host.core.lsdb.get('prefix', Name.parse('/damc/router/sg1'))!.lsa;
    assert.ok(lsa.kind === 'prefix');
    assert.deepEqual(lsa.prefixes.map((e) => [e.prefix.toString(), e.grant?.authority.toString(), e.grant?.gateway.toString()]), [
      ['/A', '/damc/spa/spa1', '/damc/router/sg1'], ['/A/1', '/damc/spa/spa1', '/damc/router/sg1'],
      ['/B', '/damc/spa/spa1', '/damc/router/sg1'], ['/B/1', '/damc/spa/spa1', '/damc/router/sg1'],
    ]);
    assert.deepEqual(net.spas.get('spa1')!.view().grants.map((g) => g.prefix), ['/A', '/A/1', '/B', '/B/1']);
    assert.ok(net.pods.get('pod1')!.view().prefixes.every((p) => p.status === 'accepted'));
    for (const r of net.routers.values()) assert.equal(r.grantCounters['prefix-no-grant'], 0);
  });

  it('the ctl shows an SG\'s and an SPA\'s grants, and grant checks among a router\'s counters', async () => {
    const ctl = (n: string, ...args: string[]) => run(process.execPath, ['dist/src/node/ctl.js', '--socket', sock(n), ...args]);
    const sg = (await ctl('sg1', 'grants')).stdout;
    assert.match(sg, /^PREFIX\s+PODS\s+STATUS\s+GRANT EXPIRES IN/);
    assert.match(sg, /^\/B\/1\s+pod1\s+granted\s+\d+ s/m);
    assert.match(sg, /SPA answering/);
    const spa = JSON.parse((await ctl('spa1', 'grants', '--json')).stdout) as { grants: { prefix: string; gateway: string }[] };
    assert.deepEqual(spa.grants.map((g) => `${g.prefix}@${g.gateway}`), ['/A', '/A/1', '/B', '/B/1'].map((p) => `${p}@/damc/router/sg1`));
    const counters = (await ctl('sr2', 'counters')).stdout;
    const granted = Number(/^grants\.prefixGranted\s+(\d+)$/m.exec(counters)?.[1]);
    assert.ok(granted >= 16, `sr2 checked every SG's 4 prefixes (each version of an LSA counts): ${granted}`);
    assert.match(counters, /^grants\.prefix-no-grant\s+0$/m);
  });
});

describe('service plane in-process: policy, forged LSAs, pod links, pod death, SPA outage (service-line)', function () {
  this.timeout(120_000);
  let net: LabNet;
  before(async () => {
    net = await new LabNet('topologies/service-line.yaml', { tweak: (c) => { if (c.serviceTimers) c.serviceTimers.grantLifetimeS = 60; } }).start();
    assert.ok(net.until(() => has(net, 'sg2', '/A/1') && has(net, 'sg1', '/B/2'), 20_000) >= 0, 'converged');
  });
  after(() => net.stop());

  it('SPA policy denies pod1 its /B/1: in no FIB anywhere; SPA, SG and pod all show the rejection', () => {
    net.sched.advance(1_000);
    for (const r of routersOf(net)) assert.ok(!has(net, r, '/B/1'), `${r} has /B/1`);
    // The pool /B is still reachable, but only at pod2: sg1 does not advertise it either.
    assert.deepEqual(net.routers.get('sg1')!.views.fib().find((e) => e.prefix === '/B')!.nexthops.map((h) => h.neighbor), ['sr1']);
    const spa = net.spas.get('spa1')!.view();
    assert.ok(spa.rejections.some((r) => r.pod === 'pod1' && r.prefixes.includes('/B/1') && r.reason === 'not-authorized'), JSON.stringify(spa.rejections));
    assert.ok(spa.counters.rejected >= 2);
    assert.ok(net.warnings.some((w) => w.node === 'spa1' && /rejected .*\/B\/1/.test(w.msg)), 'the SPA logs it');
    const sg = net.routers.get('sg1')!.registrar!.view();
    assert.equal(sg.prefixes.find((p) => p.prefix === '/B/1')!.status, 'rejected');
    assert.ok(sg.counters.authRejected >= 2);
    assert.ok(net.warnings.some((w) => w.node === 'sg1' && w.obj.event === 'auth-reject'), 'the SG logs it');
    const pod = net.pods.get('pod1')!.view();
    assert.equal(pod.prefixes.find((p) => p.prefix === '/B/1')!.status, 'rejected', 'the pod got its failure notification');
    assert.match(pod.prefixes.find((p) => p.prefix === '/B/1')!.reasonText!, /pod1 may not own .*\/B\/1/);
  });

  it('a hand-made prefix LSA without a grant (or with a stolen or forged one) is ignored by every router and counted', () => {
    const sr1 = net.cfgs.get('sr1')!;
    const key = createPrivateKey(sr1.privateKeyPem);
    const stolen = net.routers.get('sr1')!.host.core.lsdb.get('prefix', Name.parse('/damc/router/sg2'))!.lsa;
    assert.ok(stolen.kind === 'prefix');
    const forgedKey = createPrivateKey(net.cfgs.get('pod1')!.privateKeyPem);
    const lsa: Lsa = signLsa({
      kind: 'prefix', origin: Name.parse('/damc/router/sr1'), seq: 2n ** 40n, lifetimeS: 120,
      prefixes: [
        { prefix: Name.parse('/EVIL'), cost: 0 },
        { prefix: Name.parse('/B/2'), cost: 0, grant: stolen.prefixes.find((e) => e.prefix.toString() === '/B/2')!.grant! },
        { prefix: Name.parse('/FORGED'), cost: 0, grant: issueGrant(Name.parse('/FORGED'), Name.parse('/damc/router/sr1'), Name.parse('/damc/spa/spa1'), net.sched.now() + 60_000, forgedKey) },
      ],
    }, key);
    const before = new Map(routersOf(net).map((r) => [r, { ...net.routers.get(r)!.grantCounters }]));
    // As if sr1 had originated it: out of sr1's faces toward sg1 and sg2.
    for (const sg of ['sg1', 'sg2']) net.ends(sg, 'eth3')[1].send(encode({ type: 'lsa', lsa }));
    let seen = false;
    net.until(() => {
      for (const r of routersOf(net)) if (has(net, r, '/EVIL') || has(net, r, '/FORGED')) seen = true;
      return false;
    }, 2_000, 1);
    assert.ok(!seen, 'never in any FIB');
    for (const r of ['sg1', 'sg2']) {
      const c = net.routers.get(r)!.grantCounters, b = before.get(r)!;
      assert.equal(c['prefix-no-grant'] - b['prefix-no-grant'], 1, `${r} no-grant`);
      assert.equal(c['prefix-wrong-gateway'] - b['prefix-wrong-gateway'], 1, `${r} stolen grant`);
      assert.equal(c['prefix-bad-signature'] - b['prefix-bad-signature'], 1, `${r} forged grant`);
    }
    // /B/2 stays reachable where it really is (sg2), not at sr1.
    assert.deepEqual(net.routers.get('sg1')!.views.rib().find((e) => e.prefix === '/B/2')!.origins, ['sg2']);
  });

  it('an SG never takes class 2 frames from a pod link: ignored and counted, no adjacency', () => {
    const [podFace] = net.ends('pod1', 'eth1');
    podFace.send(encode({ type: 'hello', router: Name.parse('/damc/router/sr1'), iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [Name.parse('/damc/router/sg1')] }));
    const lsa = net.routers.get('sg1')!.host.core.lsdb.get('adjacency', Name.parse('/damc/router/sr1'))!.lsa;
    podFace.send(encode({ type: 'lsa', lsa }));
    net.sched.advance(100);
    const sg1 = net.routers.get('sg1')!;
    assert.equal(sg1.registrar!.counters.podClass2Ignored, 2);
    assert.deepEqual(sg1.host.core.neighbors().map((n) => n.iface), ['eth3']);
  });

  it('an instance that stops is withdrawn at once; a pod that dies is withdrawn after the hold time', () => {
    const pod2 = net.pods.get('pod2')!;
    pod2.instanceUp('B/7');
    assert.ok(net.until(() => has(net, 'sg1', '/B/7'), 5_000) >= 0, 'new instance advertised');
    pod2.instanceDown('B/7');
    const ms = net.until(() => !has(net, 'sg1', '/B/7'), 5_000);
    assert.ok(ms >= 0 && ms < 500, `withdrawn in ${ms} ms`);
    assert.ok(has(net, 'sg1', '/B'), 'the service stays while B/2 is up');
    pod2.stop(); // the pod dies: no withdraw, no refresh
    const hold = net.cfgs.get('sg2')!.serviceTimers!.announceHoldMs;
    const gone = net.until(() => !has(net, 'sg1', '/B/2'), hold + 5_000);
    assert.ok(gone >= hold - net.cfgs.get('pod2')!.serviceTimers!.announceRefreshMs && gone <= hold + 1_000, `withdrawn ${gone} ms after the pod died (hold ${hold})`);
    assert.ok(!has(net, 'sg1', '/B'), 'nobody serves /B now');
    assert.ok(net.routers.get('sg2')!.registrar!.counters.podExpired >= 2);
  });

  it('SPA down: grants stay until they expire, a new instance waits (retried with backoff) until the SPA is back', async () => {
    await net.startPod('pod2', ['B/2']);
    assert.ok(net.until(() => has(net, 'sg1', '/B/2'), 10_000) >= 0, 'pod2 back');
    net.spas.get('spa1')!.stop(); // silent, as a killed container
    net.spas.delete('spa1');
    const pod1 = net.pods.get('pod1')!;
    pod1.instanceUp('X/1');
    const reg = net.routers.get('sg1')!.registrar!;
    const tx0 = reg.counters.authRequestTx;
    net.sched.advance(20_000);
    assert.ok(!has(net, 'sg2', '/X/1'), 'fail closed: nothing new without the SPA');
    assert.ok(has(net, 'sg2', '/A/1'), 'what was granted stays');
    const tries = reg.counters.authRequestTx - tx0;
    assert.ok(tries >= 3 && tries <= 8, `retried with backoff: ${tries} requests in 20 s`);
    assert.ok(reg.counters.authTimeouts >= 3);
    assert.equal(reg.view().spaAnswering, false);
    await net.startSpa('spa1');
    const back = net.until(() => has(net, 'sg2', '/X/1'), 15_000);
    assert.ok(back >= 0 && back <= 10_500, `advertised ${back} ms after the SPA returned`);

    // Down long enough for grants to expire (60 s here): fail closed, even for what was granted.
    net.spas.get('spa1')!.stop();
    net.spas.delete('spa1');
    assert.ok(net.until(() => !has(net, 'sg2', '/A/1'), 70_000) >= 0, 'expired grants are withdrawn');
    assert.ok(reg.counters.grantsExpired > 0);
    await net.startSpa('spa1');
    assert.ok(net.until(() => has(net, 'sg2', '/A/1'), 15_000) >= 0, 'and come back with the SPA');
  });
});

describe('service plane in-process: an SG with 5,000 instance prefixes (service-line)', function () {
  this.timeout(120_000);
  let net: LabNet;
  before(async () => {
    net = await new LabNet('topologies/service-line.yaml').start();
    assert.ok(net.until(() => has(net, 'sg1', '/B/2'), 20_000) >= 0, 'converged');
  });
  after(() => net.stop());

  it('are announced, granted, flooded in parts that fit the MTU, and held by every FIB', () => {
    const t0 = performance.now();
    net.pods.get('pod2')!.instancesUp(Array.from({ length: 5000 }, (_, i) => `Y/${i + 1}`));
    const count = (r: string) => net.fibPrefixes(r).filter((p) => p.startsWith('/Y/')).length;
    const ms = net.until(() => routersOf(net).every((r) => count(r) === 5000), 60_000, 50);
    assert.ok(ms >= 0, `every FIB: ${routersOf(net).map((r) => `${r}=${count(r)}`).join(' ')}`);
    const parts = net.routers.get('sg1')!.host.core.lsdb.all().filter((e) => e.lsa.kind === 'prefix' && e.lsa.origin.toString() === '/damc/router/sg2');
    assert.ok(parts.length > 50, `${parts.length} parts`);
    for (const r of net.routers.values()) assert.equal(r.grantCounters['prefix-no-grant'], 0);
    for (const [node, faces] of net.faces) for (const f of faces.values()) assert.equal(f.counters().txErrors, 0, `${node}:${f.ifname} sent a frame too big`);
    console.log(`      5,000 prefixes in every FIB after ${ms} virtual ms (${Math.round(performance.now() - t0)} ms real), ${parts.length} LSA parts`);
  });
});
