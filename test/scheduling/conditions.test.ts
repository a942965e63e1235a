import assert from 'node:assert/strict';
import { describeViolation, resolveConditions, TelemetryStore, violations, type Conditions } from '../../src/scheduling/index.js';
import { isLabError } from '../../src/util/errors.js';
import { Name, type QosSample } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const sample = (over: Partial<QosSample> = {}): QosSample => ({
  target: n('/B/4'), rttUs: 1000, lossPpm: 0, errorPpm: 0, healthy: true, samples: 10, time: 0, ...over,
});
const c: Conditions = { maxRttMs: 100, maxLoss: 0.05, maxErrorRate: 0.1, health: true };

describe('scheduling: conditions and the SCSC view', () => {
  it('names every condition a sample breaks, with value and limit', () => {
    assert.deepEqual(violations(sample(), c), []);
    const v = violations(sample({ rttUs: 201_000, lossPpm: 100_000, errorPpm: 500_000, healthy: false }), c);
    assert.deepEqual(v.map((x) => x.kind), ['rtt', 'loss', 'error-rate', 'unhealthy']);
    assert.deepEqual(v.map(describeViolation), ['rtt 201.0 ms > 100 ms', 'loss 10% > 5%', 'error rate 50% > 10%', 'health probe failed']);
  });

  it('a tighter scale (the recovery margin) breaks sooner', () => {
    assert.deepEqual(violations(sample({ rttUs: 90_000 }), c), []);
    assert.deepEqual(violations(sample({ rttUs: 90_000 }), c, 0.8).map((x) => x.kind), ['rtt']);
  });

  it('reads the YAML conditions over the defaults and rejects nonsense with a hint', () => {
    assert.deepEqual(resolveConditions({ maxRttMs: 50, health: false }), { maxRttMs: 50, maxLoss: 0.05, maxErrorRate: 0.1, health: false });
    for (const bad of [{ maxLoss: 5 }, { maxRttMs: -1 }, { maxErrorRate: Number.NaN }, { health: 'yes' as unknown as boolean }]) {
      assert.throws(() => resolveConditions(bad), (e: unknown) => isLabError(e) && e.code === 'BAD_CONDITION' && /scheduling\.conditions\./.test(e.message) && !!e.hint);
    }
  });

  it('keeps the latest sample per (SG, instance), ignores older reports and ages by arrival', () => {
    const st = new TelemetryStore(3000);
    const sg1 = n('/damc/router/sg1'), sg2 = n('/damc/router/sg2');
    st.ingest({ type: 'qos-telemetry', reporter: sg1, time: 10, entries: [sample({ time: 10, rttUs: 300_000 })] }, 1000);
    st.ingest({ type: 'qos-telemetry', reporter: sg2, time: 10, entries: [sample({ time: 10 })] }, 1000);
    assert.equal(st.ingest({ type: 'qos-telemetry', reporter: sg1, time: 5, entries: [sample({ time: 5 })] }, 1100), 0, 'older report ignored');
    assert.equal(st.get(sg1, n('/B/4'), 1100)?.rttUs, 300_000);
    const br = st.breaking(c, 1200);
    assert.equal(br.length, 1);
    assert.ok(br[0]!.reporter.equals(sg1));
    assert.equal(st.get(sg1, n('/B/4'), 4000), undefined, 'aged out after 3 s');
    assert.equal(st.samples(3999).length, 2);
    assert.equal(st.expire(4000).length, 2);
    assert.equal(st.size, 0);
  });
});
