/** The mechanisms that keep a large lab on a loaded machine from feeding its own storm: slack, damping, retransmission backoff, what small and large labs get. */
import assert from 'node:assert/strict';
import { FlapDamper, dampingFor } from '../../src/routing/damping.js';
import { NeighborTable } from '../../src/routing/neighbors.js';
import { Name, type Hello } from '../../src/wire/index.js';
import { TestNet } from './net.js';

const me = Name.parse('/damc/router/r1');
const peer = Name.parse('/damc/router/r2');
const hello = (listsUs: boolean): Hello => ({
  type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: listsUs ? [me] : [],
});

describe('routing: late neighbors get slack', () => {
  it('a neighbor whose Hellos come late may stay silent longer, and punctual Hellos take the slack back', () => {
    const t = new NeighborTable(me, 300, 100);
    let now = 0;
    t.hello('eth1', hello(true), now);
    t.hello('eth1', hello(true), (now += 100));
    assert.equal(t.nextDeadline(), now + 300, 'punctual: the dead interval');
    const r = t.hello('eth1', hello(true), (now += 250)); // 150 ms late
    assert.equal(r.late, true);
    assert.equal(t.nextDeadline(), now + 300 + 300, 'slack twice the lateness');
    assert.deepEqual(t.expire(now + 599), [], 'a silence that would have killed it before');
    const late = t.hello('eth1', hello(true), (now += 599));
    assert.equal(late.late, true);
    assert.equal(t.nextDeadline(), now + 300 + 900, 'slack at most three dead intervals');
    for (let i = 0; i < 8; i++) t.hello('eth1', hello(true), (now += 100));
    assert.equal(t.nextDeadline(), now + 300, 'eight punctual Hellos: back to the dead interval');
    const gone = t.expire(now + 300);
    assert.equal(gone.length, 1);
    assert.match(gone[0]!.reason, /no hello for 300 ms/);
  });

  it('our own lateness is forgiven and is not taken for the neighbor\'s', () => {
    const t = new NeighborTable(me, 300, 100);
    t.hello('eth1', hello(true), 0);
    t.forgive(1_250, 1_250); // we could not read our sockets since the last Hello
    assert.equal(t.hello('eth1', hello(true), 1_250).late, undefined);
    assert.equal(t.nextDeadline(), 1_550);
  });
});

describe('routing: flap damping', () => {
  it('never holds the first down, then holds 1, 2, 4 … hellos up to the maximum, and forgets after a quiet spell', () => {
    const d = new FlapDamper(dampingFor(100)); // holds 100 ms .. 1600 ms, forgotten after 3200 ms
    let now = 0;
    assert.equal(d.holdMs('a', now), 0, 'never went down');
    d.down('a', now);
    assert.equal(d.holdMs('a', now), 0, 'one down: back at once');
    const holds: number[] = [];
    for (let i = 0; i < 7; i++) {
      now += 10;
      d.down('a', now);
      holds.push(d.holdMs('a', now));
    }
    assert.deepEqual(holds, [100, 200, 400, 800, 1600, 1600, 1600]);
    assert.equal(d.holdMs('a', now + 1000), 600, 'the hold runs from the last down');
    assert.equal(d.holdMs('b', now), 0, 'per adjacency');
    assert.equal(d.downs('a', now + 3199), 8);
    assert.equal(d.holdMs('a', now + 3200), 0, 'forgotten after forgetMs without a down');
    d.down('a', now + 3300);
    assert.equal(d.holdMs('a', now + 3300), 0, 'a fresh start: the first down again');
  });

  it('keeps a flapping neighbor heard but not two-way until its hold ends, then brings it up from expire()', () => {
    const t = new NeighborTable(me, 300, 100);
    let now = 1_000;
    assert.equal(t.hello('eth1', hello(true), now).change?.up, true);
    // Two carrier losses in a row: the second makes the next up wait one hello interval.
    assert.equal(t.dropInterface('eth1', 'carrier down', now).length, 1);
    assert.equal(t.hello('eth1', hello(true), (now += 10)).change?.up, true, 'first down: not damped');
    assert.equal(t.dropInterface('eth1', 'carrier down', (now += 10)).length, 1);
    const downAt = now;
    assert.equal(t.hello('eth1', hello(true), (now += 10)).change, undefined, 'held');
    assert.equal(t.isTwoWay('eth1', peer), false);
    assert.deepEqual(t.heardOn('eth1'), [peer], 'still listed in our Hellos, so the peer hears us');
    assert.equal(t.nextDeadline(), downAt + 100, 'the hold end is a deadline');
    assert.deepEqual(t.expire(downAt + 99), []);
    const up = t.expire(downAt + 100);
    assert.equal(up.length, 1);
    assert.equal(up[0]!.up, true);
    assert.match(up[0]!.reason, /hold-down \(2 downs/);
    assert.equal(t.isTwoWay('eth1', peer), true);
    assert.equal(t.flaps('eth1', peer, now), 2);
  });

  it('drops a held neighbor that stops listing us without reporting a down it never had', () => {
    const t = new NeighborTable(me, 300, 100);
    let now = 0;
    t.hello('eth1', hello(true), now);
    t.dropInterface('eth1', 'carrier down', (now += 1));
    t.hello('eth1', hello(true), (now += 1));
    t.dropInterface('eth1', 'carrier down', (now += 1));
    assert.equal(t.hello('eth1', hello(true), (now += 1)).change, undefined, 'held');
    assert.equal(t.hello('eth1', hello(false), (now += 1)).change, undefined, 'no longer hears us');
    assert.deepEqual(t.expire(now + 200), [], 'its hold ends with nothing to bring up');
    assert.deepEqual(t.expire(now + 300), [], 'silent for the dead interval: gone, no down reported');
  });

  it('a link flapping 40 times costs a few adjacency LSA versions, and the lab converges once it is stable', () => {
    const net = new TestNet(['a', 'b', 'c'], [{ a: 'a', b: 'b' }, { a: 'b', b: 'c' }, { a: 'a', b: 'c', costAB: 5 }]).start();
    assert.ok(net.converge() >= 0, 'initial');
    const before = net.host('a').core.counters.lsaOriginated;
    const ev0 = net.events.length;
    const l = net.link('a', 'b');
    for (let i = 0; i < 40; i++) {
      l.setUp(!l.up);
      net.sched.advance(25); // faster than the hellos: every up is two-way within a round trip
    }
    l.setUp(true);
    const originated = net.host('a').core.counters.lsaOriginated - before;
    const ups = net.events.slice(ev0).filter((x) => x.node === 'a' && x.e.type === 'adjacency' && x.e.up).length;
    assert.ok(ups <= 4, `a brought the flapping adjacency up ${ups} times (undamped: 20)`);
    assert.ok(originated <= 10, `a originated ${originated} LSAs in the storm`);
    const ms = net.converge(5_000);
    assert.ok(ms >= 0, `converged after the storm:\n${net.diff()}`);
    assert.ok(net.link('a', 'b').up && net.host('a').core.fib().lpm(Name.parse('/damc/router/b'))?.value.nexthops[0]?.iface === 'eth1',
      'the damped link carries traffic again');
  });
});

describe('routing: retransmission backoff', () => {
  it('resends an unacked LSA after 1, 2, 4, 8, 8 … RxmtIntervals, and a new version starts again from 1', async () => {
    const { Adjacency } = await import('../../src/routing/adjacency.js');
    const { generateKeyPairSync } = await import('node:crypto');
    const { signLsa } = await import('../../src/wire/index.js');
    const key = generateKeyPairSync('ed25519').privateKey;
    const lsa = (seq: bigint) => signLsa({ kind: 'prefix', origin: peer, seq, lifetimeS: 60, prefixes: [] }, key);
    const a = new Adjacency('eth1', peer);
    a.sent(lsa(1n), 0);
    const at: number[] = [];
    for (let now = 0; now <= 4_000; now += 10) if (a.dueRetransmits(now, 100).length) at.push(now);
    assert.deepEqual(at, [100, 300, 700, 1500, 2300, 3100, 3900]);
    assert.equal(a.nextDue(100), 4700);
    a.sent(lsa(2n), 4_000);
    assert.equal(a.nextDue(100), 4100, 'a new version: one RxmtInterval');
    assert.equal(a.acked({ kind: 'prefix', origin: peer, seq: 2n }), true);
    assert.equal(a.nextDue(100), Infinity);
  });
});

describe('routing: what small and large labs get', () => {
  it('small labs (100 ms hellos) keep the exact dead interval and no startup hold; large ones get slack and the hold', async () => {
    const { routerTimers } = await import('../../src/node/router-node.js');
    const small = routerTimers({ helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 });
    const large = routerTimers({ helloIntervalMs: 2_000, deadIntervalMs: 8_000, lsaLifetimeS: 1_800, lsaRefreshS: 600 });
    assert.deepEqual([small.lateSlackMaxMs, small.lsaStartupHoldMs], [0, 0]);
    assert.deepEqual([large.lateSlackMaxMs, large.lsaStartupHoldMs], [24_000, 16_000]);
    assert.deepEqual([small.spfBatchTrickle, large.spfBatchTrickle], [false, true]);
    const t = new NeighborTable(me, 300, 100, dampingFor(100), small.lateSlackMaxMs);
    t.hello('eth1', hello(true), 0);
    assert.equal(t.hello('eth1', hello(true), 290).late, true);
    assert.equal(t.nextDeadline(), 590, 'late, but no slack');
  });
});

describe('routing: retransmission to a silent neighbor', () => {
  it('sends a neighbor that acked nothing since the last round 16 LSAs per round, all again once it acks', async () => {
    const { Adjacency, RXMT_SILENT_BATCH } = await import('../../src/routing/adjacency.js');
    const { generateKeyPairSync } = await import('node:crypto');
    const { signLsa } = await import('../../src/wire/index.js');
    const key = generateKeyPairSync('ed25519').privateKey;
    const origins = Array.from({ length: 40 }, (_, i) => Name.parse(`/damc/router/o${i}`));
    const a = new Adjacency('eth1', peer);
    for (const origin of origins) a.sent(signLsa({ kind: 'prefix', origin, seq: 1n, lifetimeS: 60, prefixes: [] }, key), 0);
    assert.equal(a.dueRetransmits(100, 100).length, 40, 'the first round: the neighbor acked before (nothing to judge by)');
    assert.equal(a.dueRetransmits(400, 100).length, RXMT_SILENT_BATCH, 'no ack since: a probe of 16');
    assert.equal(a.dueRetransmits(400, 100).length, RXMT_SILENT_BATCH, 'the others stay due, 16 per round');
    a.acked({ kind: 'prefix', origin: origins[0]!, seq: 1n });
    assert.equal(a.dueRetransmits(400, 100).length, 40 - 2 * RXMT_SILENT_BATCH, 'it acks again: the rest (not resent this round) go');
  });
});
