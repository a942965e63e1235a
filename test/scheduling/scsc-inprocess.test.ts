/**
 * The SCSC in figure2, in one process: SGs report to /damc/scsc by name, the SCSC (a stub
 * router at sr3) drains a slow instance by policy and lets it back when it recovers; forged and
 * expired policies are refused and counted; killing the SCSC fails no call, its policies stay
 * until they expire and the SGs then fall back to their own choice.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { policyName } from '../../src/node/scsc/index.js';
import { encode, Name, signPolicy, type QosPolicy } from '../../src/wire/index.js';
import { ServiceNet } from '../service/service-net.js';

const instanceOf = (b: Buffer) => (JSON.parse(b.toString()) as { instance: string }).instance;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SCSC in-process (figure2): telemetry by name, policies that drain and restore, not in the data path', function () {
  this.timeout(90_000);
  const net = new ServiceNet((c) => ({ ...c, scheduling: { spread: 'pool', probeIntervalMs: 200, policyLifetimeMs: 4000 } }));
  before(() => net.start());
  after(() => net.stop());
  const B4 = Name.parse('/B/4');

  /** Calls /B from pod1 for `ms`; the instances that answered, in order, and the failures. */
  async function stream(ms: number): Promise<{ served: string[]; failed: number }> {
    const served: string[] = [];
    let failed = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const r = await net.call('pod1', 'http://B/echo');
      if (r.status === 200) served.push(instanceOf(r.body));
      else failed++;
    }
    return { served, failed };
  }

  it('B/4 200 ms slower: the SCSC drains it for sg1 within 5 s, then lets it back once it recovers', async () => {
    await stream(1500);
    const sg1 = net.sg('sg1').service!.scheduling;
    net.pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', delayMs: 200 });
    let drained: number | undefined;
    try {
      const t0 = Date.now();
      while (Date.now() - t0 < 5000) {
        await net.call('pod1', 'http://B/echo');
        const e = sg1.policies.lookup(Name.parse('/B'), net.sched.now());
        if (e?.instances.some((i) => i.name.equals(B4) && i.weight === 0)) {
          drained = Date.now() - t0;
          break;
        }
      }
      assert.ok(drained !== undefined, 'a policy with weight 0 for /B/4 within 5 s');
      const after = await stream(1500);
      assert.equal(after.failed, 0);
      const share = after.served.filter((i) => i === 'B/4').length / after.served.length;
      assert.ok(share <= 0.1, `B/4's share once drained: ${share}`);
      const view = net.sg('scsc').handle({ cmd: 'scsc' }) as { text: string; view: { decisions: { action: string; instance: Name }[] } };
      assert.ok(view.view.decisions.some((d) => d.action === 'drain' && d.instance.equals(B4)));
      assert.match(view.text, /\/B\/4\s+out/);
    } finally {
      net.pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', delayMs: 0 });
    }
    const t1 = Date.now();
    let back = false;
    while (!back && Date.now() - t1 < 10_000) back = (await stream(300)).served.includes('B/4');
    assert.ok(back, 'B/4 serves again within 10 s of recovering');
  });

  it('a forged (unknown key, or a trusted router\'s key), an unsigned and an expired policy are refused and counted', async () => {
    const sg1 = net.sg('sg1');
    const store = sg1.service!.scheduling.policies;
    const before = { ...store.counters };
    const scsc = Name.parse(net.cfgs.get('scsc')!.routerName);
    const now = Math.floor(net.sched.now());
    const body = { type: 'qos-policy' as const, origin: scsc, version: 1n << 60n, entries: [{ prefix: Name.parse('/B'), instances: [{ name: Name.parse('/B/1'), weight: 0 }], nexthops: [] }] };
    const forged = signPolicy({ ...body, expires: now + 60_000 }, generateKeyPairSync('ed25519').privateKey);
    const unsigned: QosPolicy = { ...body, expires: now + 60_000, signature: new Uint8Array() };
    const expired = signPolicy({ ...body, expires: now - 1 }, createPrivateKey(net.cfgs.get('scsc')!.privateKeyPem));
    const sr1 = net.sg('sr1').host.core;
    // A router the lab trusts for routing is no SCSC: its own policy, and one it signs in the SCSC's name.
    const sr1Key = createPrivateKey(net.cfgs.get('sr1')!.privateKeyPem);
    const byRouter = signPolicy({ ...body, origin: sr1.name, expires: now + 60_000 }, sr1Key);
    const inScscName = signPolicy({ ...body, expires: now + 60_000 }, sr1Key);
    for (const p of [forged, unsigned, expired, byRouter, inScscName]) {
      sr1.originateData({ type: 'request', name: policyName(sg1.host.core.name), requester: sr1.name, requestId: randomBytes(8).readBigUInt64BE(), hopLimit: 32, segIndex: 0, segCount: 1, payload: encode(p) });
    }
    const t0 = Date.now();
    while (store.counters.policyDropExpired === before.policyDropExpired && Date.now() - t0 < 3000) await sleep(10);
    assert.equal(store.counters.policyDropBadSignature - before.policyDropBadSignature, 2);
    assert.equal(store.counters.policyDropUnknownOrigin - before.policyDropUnknownOrigin, 1);
    assert.equal(store.counters.policyDropUnsigned - before.policyDropUnsigned, 1);
    assert.equal(store.counters.policyDropExpired - before.policyDropExpired, 1);
    const text = sg1.handle({ cmd: 'metrics' }) as string;
    assert.match(text, /^damc_policy_offers_total\{result="bad-signature"\} [1-9]/m);
    const pol = sg1.handle({ cmd: 'policies' }) as { text: string };
    assert.match(pol.text, /bad signature [1-9]/);
  });

  it('killing the SCSC during a steady call stream fails no call; its policies expire, then the SGs choose alone', async () => {
    const store = net.sg('sg1').service!.scheduling.policies;
    assert.ok(store.list(net.sched.now()).length > 0, 'sg1 holds a policy before the kill');
    const expiredBefore = store.counters.policyExpired;
    net.sg('scsc').stop();
    const v0 = net.sched.now();
    const r = await stream(6000);
    // Virtual time is pumped by a 1 ms timer and falls behind on a loaded machine: go on until
    // the lifetime has passed in the routers' own time (at most 10 s more).
    for (const t0 = Date.now(); net.sched.now() - v0 < 5000 && Date.now() - t0 < 10_000;) {
      const more = await stream(500);
      r.served.push(...more.served);
      r.failed += more.failed;
    }
    assert.equal(r.failed, 0, 'zero failed calls with the SCSC gone');
    assert.equal(store.list(net.sched.now()).length, 0, 'the policy expired (lifetime 4 s)');
    assert.ok(store.counters.policyExpired > expiredBefore);
    assert.deepEqual([...new Set(r.served.slice(-30))].sort(), ['B/1', 'B/3', 'B/4'], 'spreading by the SG\'s own rule after expiry');
  });
});
