import assert from 'node:assert/strict';
import {
  Histogram,
  OutlierDetector,
  outlierMetrics,
  policyMetrics,
  policySigner,
  PolicyStore,
  renderPrometheus,
  ScscCore,
  scscMetrics,
  trustMapPolicyVerifier,
} from '../../src/scheduling/index.js';
import { Name, rawPublicKey } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';

describe('scheduling: Prometheus text format', () => {
  it('renders counters, gauges and histograms with escaped labels, byte for byte', () => {
    const h = new Histogram([0.005, 0.05, 0.5]);
    for (const v of [0.001, 0.004, 0.2, 3]) h.observe(v);
    const text = renderPrometheus([
      { name: 'damc_requests_total', help: 'Requests sent, by instance.', type: 'counter', samples: [{ labels: { pool: '/B', instance: '/B/1' }, value: 12 }, { labels: { pool: '/B', instance: 'a"b\\c\nd' }, value: 0 }] },
      { name: 'damc_policy_weight', help: 'Current weight\nper instance.', type: 'gauge', samples: [{ value: Infinity }] },
      { name: 'damc_request_seconds', help: 'Latency.', type: 'histogram', samples: [{ labels: { pool: '/B' }, histogram: h.snapshot() }] },
    ]);
    assert.equal(
      text,
      [
        '# HELP damc_requests_total Requests sent, by instance.',
        '# TYPE damc_requests_total counter',
        'damc_requests_total{pool="/B",instance="/B/1"} 12',
        'damc_requests_total{pool="/B",instance="a\\"b\\\\c\\nd"} 0',
        '# HELP damc_policy_weight Current weight\\nper instance.',
        '# TYPE damc_policy_weight gauge',
        'damc_policy_weight +Inf',
        '# HELP damc_request_seconds Latency.',
        '# TYPE damc_request_seconds histogram',
        'damc_request_seconds_bucket{pool="/B",le="0.005"} 2',
        'damc_request_seconds_bucket{pool="/B",le="0.05"} 2',
        'damc_request_seconds_bucket{pool="/B",le="0.5"} 3',
        'damc_request_seconds_bucket{pool="/B",le="+Inf"} 4',
        'damc_request_seconds_sum{pool="/B"} 3.205',
        'damc_request_seconds_count{pool="/B"} 4',
        '',
      ].join('\n'),
    );
  });

  it('refuses names Prometheus would reject, and duplicate families', () => {
    assert.throws(() => renderPrometheus([{ name: 'damc-x', help: '', type: 'gauge', samples: [] }]), RangeError);
    assert.throws(() => renderPrometheus([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { 'a-b': '1' }, value: 1 }] }]), RangeError);
    assert.throws(() => renderPrometheus([{ name: 'x', help: '', type: 'gauge', samples: [] }, { name: 'x', help: '', type: 'gauge', samples: [] }]), RangeError);
    assert.throws(() => new Histogram([1, 1]), RangeError);
    assert.equal(renderPrometheus([]), '');
  });
});

describe('scheduling: metrics of the parts', () => {
  const n = (x: string) => Name.parse(x);
  const key = keyFromSeed(3);
  const T0 = 1_800_000_000_000;

  it('a router exposes policy offers by result, expiry and weights; a pool its ejections', () => {
    const store = new PolicyStore(trustMapPolicyVerifier({ '/damc/scsc': rawPublicKey(key) }));
    const p = policySigner(key)({ type: 'qos-policy', origin: n('/damc/scsc'), version: 7n, expires: T0 + 15_000, entries: [{ prefix: n('/B'), instances: [{ name: n('/B/1'), weight: 100 }, { name: n('/B/4'), weight: 0 }], nexthops: [] }] });
    store.offer(p, T0);
    store.offer({ ...p, signature: new Uint8Array() }, T0);
    const d = new OutlierDetector();
    d.setHosts([n('/B/1'), n('/B/4')]);
    for (let i = 0; i < 3; i++) d.putResult(n('/B/4'), false, i);
    const text = renderPrometheus([...policyMetrics(store, T0 + 5000), ...outlierMetrics('/B', d)]);
    for (const line of [
      'damc_policy_offers_total{result="installed"} 1',
      'damc_policy_offers_total{result="unsigned"} 1',
      'damc_policy_offers_total{result="bad-signature"} 0',
      'damc_policy_expiry_seconds{origin="/damc/scsc",version="7"} 10',
      'damc_policy_weight{prefix="/B",instance="/B/4"} 0',
      'damc_outlier_ejections_total{pool="/B"} 1',
      'damc_outlier_ejected{pool="/B",instance="/B/4"} 1',
      'damc_outlier_ejected{pool="/B",instance="/B/1"} 0',
    ]) assert.ok(text.split('\n').includes(line), `missing: ${line}\n${text}`);
  });

  it('the SCSC exposes its view and decisions', () => {
    const s = new ScscCore({ self: n('/damc/scsc'), conditions: { maxRttMs: 100, health: true }, sign: policySigner(key) });
    const e = (target: string, rttUs: number) => ({ target: n(target), rttUs, lossPpm: 0, errorPpm: 0, healthy: true, samples: 5, time: T0 });
    s.onTelemetry({ type: 'qos-telemetry', reporter: n('/damc/router/sg1'), time: T0, entries: [e('/B/1', 1000), e('/B/4', 250_000)] }, T0);
    const text = renderPrometheus(scscMetrics(s.view(T0)));
    for (const line of [
      'damc_scsc_rtt_seconds{reporter="/damc/router/sg1",instance="/B/4"} 0.25',
      'damc_scsc_instance_out{reporter="/damc/router/sg1",instance="/B/4"} 1',
      'damc_scsc_instance_out{reporter="/damc/router/sg1",instance="/B/1"} 0',
      'damc_scsc_decisions{action="drain"} 1',
      'damc_scsc_policies 1',
    ]) assert.ok(text.split('\n').includes(line), `missing: ${line}\n${text}`);
  });
});
