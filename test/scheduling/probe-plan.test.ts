import assert from 'node:assert/strict';
import { ProbePlanner, seededRandom } from '../../src/scheduling/index.js';
import { Name } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const names = (xs: Name[]) => xs.map(String).sort();

describe('scheduling: what an SG probes and when', () => {
  it('probes a called pool\'s instances at once, then about every second, and stops 30 s after the last call', () => {
    const p = new ProbePlanner(seededRandom(3));
    assert.deepEqual(p.due(0), [], 'nothing called, nothing probed');
    p.called(n('/B'), 0);
    p.setInstances(n('/B'), [n('/B/1'), n('/B/4')], 0);
    p.setInstances(n('/C'), [n('/C/2')], 0);
    assert.deepEqual(names(p.due(0)), ['/B/1', '/B/4'], 'on demand: at once, and only the called pool');
    assert.deepEqual(p.due(500), []);
    const next = p.nextAt()!;
    assert.ok(next >= 900 && next <= 1100, `next probe at ${next} (1 s ± 10%)`);
    let probes = 0;
    for (let t = 1; t <= 30_000; t++) probes += p.due(t).length;
    assert.ok(probes >= 2 * 27 && probes <= 2 * 34, `${probes} probes in 30 s`);
    assert.deepEqual(p.due(30_001 + 2000), [], 'not called for 30 s: no more probes');
    assert.equal(p.nextAt(), undefined);
  });

  it('an urgent probe goes at the next due; new instances are due at once, gone ones dropped', () => {
    const p = new ProbePlanner(seededRandom(3));
    p.called(n('/B'), 0);
    p.setInstances(n('/B'), [n('/B/1')], 0);
    p.due(0);
    p.urgent(n('/B/1'), 100);
    assert.deepEqual(names(p.due(100)), ['/B/1']);
    p.setInstances(n('/B'), [n('/B/4')], 200);
    assert.deepEqual(names(p.due(200)), ['/B/4']);
  });
});
