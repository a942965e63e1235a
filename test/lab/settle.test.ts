import assert from 'node:assert/strict';
import { formatSettle, Settler } from '../../src/cli/settle.js';

const snap = (o: Record<string, string | undefined>) => new Map(Object.entries(o));

describe('lab settle: the quiet-period rule', () => {
  it('settles only after every FIB stayed the same for the quiet period', () => {
    const s = new Settler(1000, 0);
    assert.equal(s.observe(0, snap({ sg1: 'a', sr1: 'b' })), false);
    assert.equal(s.observe(500, snap({ sg1: 'a', sr1: 'b' })), false);
    assert.equal(s.observe(600, snap({ sg1: 'a2', sr1: 'b' })), false, 'sg1 changed');
    assert.deepEqual(s.restless(1200), ['sg1']);
    assert.equal(s.observe(1500, snap({ sg1: 'a2', sr1: 'b' })), false, 'sg1 quiet for 900 ms only');
    assert.equal(s.observe(1600, snap({ sg1: 'a2', sr1: 'b' })), true);
    assert.deepEqual(s.result(1600, true), { settled: true, lastChangeMs: 600, waitedMs: 1600, routers: 2, restless: [] });
  });

  it('a router that does not answer is never settled, and is named', () => {
    const s = new Settler(100, 0);
    s.observe(0, snap({ sg1: 'a', sr1: undefined }));
    assert.equal(s.observe(5000, snap({ sg1: 'a', sr1: undefined })), false);
    const r = s.result(5000, false);
    assert.deepEqual(r.restless, ['sr1']);
    assert.match(formatSettle(r, 100), /not settled after 5\.00 s: still changing or not answering: sr1/);
  });

  it('says when nothing changed while it watched', () => {
    const s = new Settler(200, 0);
    s.observe(0, snap({ sg1: 'a' }));
    assert.equal(s.observe(250, snap({ sg1: 'a' })), true);
    assert.match(formatSettle(s.result(250, true), 200), /settled: 1 routers' FIBs unchanged for 200 ms \(no change seen\), waited 0\.25 s/);
  });
});
