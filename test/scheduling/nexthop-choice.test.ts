import assert from 'node:assert/strict';
import { hopForRequest, hopsFor } from '../../src/scheduling/index.js';
import { Name } from '../../src/wire/index.js';

const r = (x: string) => Name.parse(`/damc/router/${x}`);
const sr2 = { iface: 'eth3', neighbor: r('sr2') }, sr3 = { iface: 'eth4', neighbor: r('sr3') };
const entry = (...hops: [string, number][]) => ({ prefix: Name.parse('/B/4'), instances: [], nexthops: hops.map(([h, weight]) => ({ name: r(h), weight })) });

describe('scheduling: next hops under a policy', () => {
  it('uses the policy\'s neighbors that are up, else the FIB', () => {
    assert.deepEqual(hopsFor(entry(['sr3', 1]), [sr2, sr3], [sr2, sr3]), { source: 'policy', hops: [{ hop: sr3, weight: 1 }] });
    assert.deepEqual(hopsFor(entry(['sr3', 1]), [sr2], [sr2]), { source: 'fib', hops: [{ hop: sr2, weight: 1 }] }, 'sr3 is down: FIB');
    assert.deepEqual(hopsFor(undefined, [sr2, sr3], [sr2, sr3]).source, 'fib');
    assert.deepEqual(hopsFor(entry(['sr3', 0]), [sr2, sr3], [sr2]).source, 'fib', 'a zero weight is no hop');
  });

  it('keeps every segment of a request on one hop and spreads requests by weight', () => {
    const { hops } = hopsFor(entry(['sr2', 1], ['sr3', 3]), [sr2, sr3], []);
    assert.equal(hopForRequest(hops, 42n), hopForRequest(hops, 42n));
    let toSr3 = 0;
    for (let id = 0n; id < 4000n; id++) if (hopForRequest(hops, id) === sr3) toSr3++;
    assert.ok(Math.abs(toSr3 / 4000 - 0.75) < 0.03, `sr3 share ${toSr3 / 4000}`);
    assert.equal(hopForRequest([], 1n), undefined);
  });
});
