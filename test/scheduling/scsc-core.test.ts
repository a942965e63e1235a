import assert from 'node:assert/strict';
import { policySigner, PolicyStore, ScscCore, trustMapPolicyVerifier, type Push } from '../../src/scheduling/index.js';
import { Name, rawPublicKey, type QosSample, type QosTelemetry } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';
import { figure2 } from './figure2-topology.js';

const n = (s: string) => Name.parse(s);
const sg1 = n('/damc/router/sg1');
const key = keyFromSeed(3);
const T0 = 1_800_000_000_000;
const core = () =>
  new ScscCore({ self: n('/damc/scsc'), conditions: { maxRttMs: 100, maxLoss: 0.05, maxErrorRate: 0.1, health: true }, sign: policySigner(key) });
const report = (reporter: Name, entries: Partial<QosSample & { target: Name }>[], time: number): QosTelemetry => ({
  type: 'qos-telemetry',
  reporter,
  time,
  entries: entries.map((e) => ({ target: n('/B/1'), rttUs: 1000, lossPpm: 0, errorPpm: 0, healthy: true, samples: 10, time, ...e })),
});
const weights = (pushes: Push[], router = sg1) =>
  pushes.find((p) => p.router.equals(router))?.policy.entries.find((e) => e.prefix.equals(n('/B')))?.instances.map((i) => `${i.name}=${i.weight}`);

describe('scheduling: SCSC decisions', () => {
  it('spreads a healthy pool, drains an instance that breaks the conditions and says why', () => {
    const s = core();
    const healthy = s.onTelemetry(report(sg1, [{}, { target: n('/B/4') }], T0), T0);
    assert.deepEqual(weights(healthy), ['/B/1=100', '/B/4=100']);
    const slow = s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 201_000 }], T0 + 1000), T0 + 1000);
    assert.deepEqual(weights(slow), ['/B/1=100', '/B/4=0']);
    assert.ok(slow[0]!.policy.version > healthy[0]!.policy.version);
    assert.equal(slow[0]!.policy.expires, T0 + 1000 + 15_000);
    assert.deepEqual(s.decisions.map((d) => [d.action, d.instance.toString(), d.reasons]), [['drain', '/B/4', ['rtt 201.0 ms > 100 ms']]]);
    const view = s.view(T0 + 1000);
    assert.deepEqual(view.instances.map((i) => [i.instance, i.state, i.rttMs]), [['/B/1', 'in', 1], ['/B/4', 'out', 201]]);
  });

  it('restores only under the margin (no flapping at the limit), then spreads again', () => {
    const s = core();
    s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 150_000 }], T0), T0);
    assert.deepEqual(s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 95_000 }], T0 + 1000), T0 + 1000), [], 'under the limit, above 80 ms: still out, nothing new to push');
    const back = s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 2000 }], T0 + 2000), T0 + 2000);
    assert.deepEqual(weights(back), ['/B/1=100', '/B/4=100']);
    assert.deepEqual(s.decisions.map((d) => d.action), ['drain', 'restore']);
  });

  it('never drains a whole pool: when every instance breaks, all keep a small equal weight', () => {
    const s = core();
    const p = s.onTelemetry(report(sg1, [{ errorPpm: 500_000 }, { target: n('/B/4'), healthy: false }], T0), T0);
    assert.deepEqual(weights(p), ['/B/1=1', '/B/4=1']);
  });

  it('refreshes before expiry, forgets instances whose reports stop and clears their policy', () => {
    const s = core();
    s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 300_000 }], T0), T0);
    assert.deepEqual(s.tick(T0 + 1000), [], 'nothing changed, refresh not due');
    const refreshed = s.tick(T0 + 2500).concat(s.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 300_000 }], T0 + 2900), T0 + 2900));
    assert.deepEqual(refreshed, []);
    const r = s.tick(T0 + 5000);
    assert.equal(r.length, 1, 'refresh after 5 s');
    const gone = s.tick(T0 + 6000);
    assert.equal(gone.length, 1);
    assert.deepEqual(gone[0]!.policy.entries, [], 'reports stopped 3 s ago: an empty policy clears it');
    assert.deepEqual(s.decisions.map((d) => d.action), ['drain', 'forget']);
    assert.deepEqual(s.tick(T0 + 20_000), [], 'and nothing more is sent for it');
  });

  it('a restarted SCSC outranks what it sent before it died', () => {
    const verify = trustMapPolicyVerifier({ '/damc/scsc': rawPublicKey(key) });
    const store = new PolicyStore(verify);
    const a = core();
    for (const p of a.onTelemetry(report(sg1, [{}, { target: n('/B/4') }], T0), T0)) assert.equal(store.offer(p.policy, T0), 'installed');
    for (const p of a.onTelemetry(report(sg1, [{}, { target: n('/B/4'), rttUs: 500_000 }], T0 + 1), T0 + 1)) assert.equal(store.offer(p.policy, T0 + 1), 'installed');
    const b = core();
    const again = b.onTelemetry(report(sg1, [{}, { target: n('/B/4') }], T0 + 1000), T0 + 1000);
    assert.equal(store.offer(again[0]!.policy, T0 + 1000), 'installed');
  });

  it('adds next-hop entries for routers whose QoS path differs (a congested SR link)', () => {
    const s = core();
    s.setTopology(figure2(), T0);
    const pushes = s.onTelemetry(
      {
        type: 'qos-telemetry', reporter: n('/damc/router/sr1'), time: T0,
        entries: [{ target: n('/damc/router/sr2'), rttUs: 150_000, lossPpm: 0, errorPpm: 0, healthy: true, samples: 10, time: T0 }],
      },
      T0,
    ).concat(s.onTelemetry(report(sg1, [{}, { target: n('/B/4') }], T0), T0));
    const sr1 = pushes.filter((p) => p.router.equals(n('/damc/router/sr1'))).at(-1)!;
    assert.deepEqual(sr1.policy.entries.map((e) => [e.prefix.toString(), e.nexthops.map((h) => h.name.toString())]), [['/B/4', ['/damc/router/sr3']]]);
    assert.deepEqual(s.view(T0).links.map((l) => [l.from, l.to]), [['/damc/router/sr1', '/damc/router/sr2']]);
    assert.equal(s.view(T0).instances.length, 2, 'router targets are links, not instances');
  });

  it('a link sample before the SCSC knows the topology is not mistaken for a pool', () => {
    const s = core();
    const pushes = s.onTelemetry(report(n('/damc/router/sr1'), [{ target: n('/damc/router/sr2'), rttUs: 150_000 }], T0), T0);
    assert.deepEqual(pushes, []);
    assert.deepEqual(s.view(T0).instances, []);
  });
});
