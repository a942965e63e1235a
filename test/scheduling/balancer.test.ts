import assert from 'node:assert/strict';
import { candidatesFor, InFlight, pick, seededRandom, type Candidate } from '../../src/scheduling/index.js';
import { Name } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const B1 = n('/B/1'), B3 = n('/B/3'), B4 = n('/B/4');

function shares(cands: Candidate[], picks: number, opts = {}): Record<string, number> {
  const rnd = seededRandom(42);
  const count: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const c = pick(cands, rnd, opts)!;
    count[c.name.toString()] = (count[c.name.toString()] ?? 0) + 1;
  }
  for (const k of Object.keys(count)) count[k] = count[k]! / picks;
  return count;
}

describe('scheduling: spreading requests over a pool', () => {
  it('idle (one call at a time), the shares are the weights', () => {
    const s = shares([{ name: B1, weight: 100 }, { name: B3, weight: 300 }, { name: B4, weight: 100 }], 20_000);
    assert.ok(Math.abs(s['/B/1']! - 0.2) < 0.015, JSON.stringify(s));
    assert.ok(Math.abs(s['/B/3']! - 0.6) < 0.015, JSON.stringify(s));
    assert.ok(Math.abs(s['/B/4']! - 0.2) < 0.015, JSON.stringify(s));
  });

  it('never picks a zero-weight instance while another has weight', () => {
    const s = shares([{ name: B1, weight: 100 }, { name: B4, weight: 0 }], 5000);
    assert.deepEqual(s, { '/B/1': 1 });
  });

  it('under load, the instance with fewer requests in flight wins the two choices', () => {
    const busy = new InFlight();
    for (let i = 0; i < 5; i++) busy.start(B4);
    const s = shares([{ name: B1, weight: 1 }, { name: B4, weight: 1 }], 5000, { active: (x: Name) => busy.get(x) });
    assert.equal(s['/B/1'], 1, 'with two instances both are always drawn, so the idle one always wins');
    for (let i = 0; i < 5; i++) busy.finish(B4);
    assert.equal(busy.get(B4), 0);
  });

  it('skips ejected instances, but answers from them rather than fail when all are out', () => {
    const cands = [{ name: B1, weight: 1 }, { name: B4, weight: 1 }];
    assert.deepEqual(shares(cands, 2000, { excluded: (x: Name) => x.equals(B4) }), { '/B/1': 1 });
    assert.ok(pick(cands, seededRandom(1), { excluded: () => true }), 'panic: a pick even when everything is ejected');
    assert.equal(pick([], seededRandom(1)), undefined);
  });

  it('with no policy: the instances at the lowest cost, equally (shortest path, equal-cost sharing)', () => {
    const routed = [{ name: B1, cost: 3 }, { name: B3, cost: 2 }, { name: B4, cost: 2 }];
    assert.deepEqual(candidatesFor(undefined, routed).map((c) => [c.name.toString(), c.weight]), [['/B/3', 1], ['/B/4', 1]]);
    const policy = { prefix: n('/B'), instances: [{ name: B1, weight: 100 }, { name: B4, weight: 0 }], nexthops: [] };
    assert.deepEqual(candidatesFor(policy, routed).map((c) => [c.name.toString(), c.weight]), [['/B/1', 100], ['/B/4', 0]]);
  });
});
