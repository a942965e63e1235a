/**
 * The SG's measurement and pool choice in figure2, in one process: a pool request can go to any
 * reachable instance the balancer picks (spread: pool), an instance answering 500 is drained
 * locally within 1 s with no failed call (one retry on another instance), the rest of the pool
 * keeps serving, the probes and traffic show in the Prometheus text.
 */
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/index.js';
import { ServiceNet } from '../service/service-net.js';

const instanceOf = (b: Buffer) => (JSON.parse(b.toString()) as { instance: string }).instance;

describe('SG scheduling in-process (figure2): balancer, probes, local outlier detection, metrics', function () {
  this.timeout(60_000);
  const net = new ServiceNet((c) => ({ ...c, scheduling: { spread: 'pool', probeIntervalMs: 200 } }));
  before(() => net.start());
  after(() => net.stop());

  it('A/1\'s calls to /B spread over B/1, B/3 and B/4 by name (/B/4 reached as that instance)', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const r = await net.call('pod1', 'http://B/echo');
      assert.equal(r.status, 200, r.body.toString());
      const inst = instanceOf(r.body);
      seen.set(inst, (seen.get(inst) ?? 0) + 1);
      if (inst === 'B/4') assert.equal(r.headers['x-damc-gateway'], 'sg4');
    }
    assert.deepEqual([...seen.keys()].sort(), ['B/1', 'B/3', 'B/4']);
    for (const n of seen.values()) assert.ok(n >= 8, `shares ${JSON.stringify([...seen])}`);
  });

  it('B/4 answering 500 is drained locally within 1 s, then by policy; no call fails, B/1 and B/3 keep serving', async () => {
    const sg1 = net.sg('sg1').service!;
    net.pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', errorRate: 1 });
    try {
      const t0 = Date.now();
      let drainedAt: number | undefined;
      let failed = 0;
      const after: string[] = [];
      while (Date.now() - t0 < 2500) {
        const r = await net.call('pod1', 'http://B/echo');
        if (r.status !== 200) failed++;
        if (drainedAt === undefined && sg1.scheduling.ejections().some((e) => e.instance === '/B/4')) drainedAt = Date.now() - t0;
        if (drainedAt !== undefined) after.push(instanceOf(r.body));
      }
      assert.equal(failed, 0, 'every call answered 200 (a 500 is retried once on another instance)');
      assert.ok(drainedAt !== undefined && drainedAt <= 1000, `drained after ${drainedAt} ms`);
      assert.ok(!after.includes('B/4'), 'no call served by B/4 once drained');
      assert.ok(after.includes('B/1') && after.includes('B/3'), `the rest of the pool serves: ${[...new Set(after)]}`);
      assert.deepEqual(sg1.scheduling.ejections().map((e) => e.instance), ['/B/4'], 'never the whole pool');
      // Then by policy: the SCSC (stub router at sr3) saw the error rate in sg1's reports.
      const t1 = Date.now();
      const zero = () => sg1.scheduling.policies.lookup(Name.parse('/B'), net.sched.now())?.instances.some((i) => i.name.key === '/B/4' && i.weight === 0);
      while (!zero() && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(zero(), 'sg1 holds a policy with weight 0 for /B/4');
    } finally {
      net.pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', errorRate: 0 });
    }
  });

  it('probes and traffic show in the SG\'s Prometheus text (and over the control socket)', async () => {
    const text = net.sg('sg1').handle({ cmd: 'metrics' }) as string;
    assert.match(text, /^damc_sg_requests_total\{instance="\/B\/4",result="error"\} [1-9]/m);
    assert.match(text, /^damc_sg_probes_total\{instance="\/B\/3"\} [1-9]/m);
    assert.match(text, /^damc_sg_probe_failures_total\{instance="\/B\/4"\} [1-9]/m);
    assert.match(text, /^damc_outlier_ejections_total\{pool="\/B"\} [1-9]/m);
    assert.match(text, /^damc_sg_request_duration_seconds_bucket\{instance="\/B\/1",le="\+Inf"\} [1-9]/m);
    assert.match(text, /^damc_policy_offers_total\{result="installed"\} [1-9]/m, 'the SCSC (a stub router at sr3) pushed policies');
  });

  it('sg2 spreads /C over its own C/2 and the remote C/3', async () => {
    const sg2 = net.sg('sg2').service!;
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add(instanceOf((await net.call('pod2', 'http://C/echo')).body));
    assert.deepEqual([...seen].sort(), ['C/2', 'C/3']);
    assert.ok(sg2.stats.remote > 0);
  });
});
