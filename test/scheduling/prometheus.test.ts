import assert from 'node:assert/strict';
import { Histogram, renderPrometheus } from '../../src/scheduling/index.js';

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
