import assert from 'node:assert/strict';
import { Name } from '../../src/wire/index.js';
import { rname, TestNet, type LinkSpec } from './net.js';

// The draft's Figure 2: four SGs (one pod each), three SRs; SG-1..SG-4 also linked pairwise.
const NODES = ['sg1', 'sg2', 'sg3', 'sg4', 'sr1', 'sr2', 'sr3'];
const LINKS: LinkSpec[] = [
  { a: 'sg1', b: 'sr1' }, { a: 'sg2', b: 'sr2' }, { a: 'sr1', b: 'sr2', costAB: 2, costBA: 3 },
  { a: 'sr1', b: 'sr3' }, { a: 'sr2', b: 'sr3' }, { a: 'sg3', b: 'sr3' }, { a: 'sg4', b: 'sr3' },
  { a: 'sg1', b: 'sg2', costAB: 3 }, { a: 'sg3', b: 'sg4' },
];
const PREFIXES = { sg1: ['/A', '/A/1', '/B/1'], sg2: ['/C'], sg3: ['/D'], sg4: ['/A', '/A/4', '/B', '/B/4'] };

function figure2(loss = 0.05): TestNet {
  return new TestNet(NODES, LINKS, PREFIXES, { delayMs: 2, loss }).start();
}

function mustConverge(net: TestNet, what: string, limitMs = 10_000): number {
  const ms = net.converge(limitMs);
  assert.ok(ms >= 0, `${what}: FIBs did not converge in ${limitMs} virtual ms:\n${net.diff()}`);
  return ms;
}

describe('routing: routers over memory links (virtual time)', function () {
  this.timeout(60_000);

  it('converges to shortest-path FIBs with every equal-cost next hop, under 5% loss', () => {
    const net = figure2();
    mustConverge(net, 'initial');
    // Spot checks a person would make (the full comparison is against Floyd–Warshall above).
    const sg1 = net.fibs().get('sg1')!;
    assert.deepEqual(sg1.get('/B'), ['eth1>/damc/router/sr1@3']);
    assert.deepEqual(sg1.get('/A'), ['local']);
    assert.deepEqual(sg1.get(rname('sg2')), ['eth2>/damc/router/sg2@3']);
    const sr1 = net.fibs().get('sr1')!; // sr1's eth2 goes to sr2 (cost 2), eth3 to sr3 (1 + 1)
    assert.deepEqual(sr1.get('/C'), ['eth2>/damc/router/sr2@3', 'eth3>/damc/router/sr3@3']);
    // It stays converged: refreshes and retransmissions do not disturb it.
    net.sched.advance(30_000);
    assert.ok(net.converged(), net.diff());
  });

  it('moves FIBs at once on carrier loss and back on carrier up', () => {
    const net = figure2(0);
    mustConverge(net, 'initial');
    net.sched.advance(5_000); // quiet: origination and SPF backoffs back at their minimum
    net.link('sr1', 'sr3').setUp(false);
    const ms = mustConverge(net, 'after carrier down');
    assert.ok(ms <= 50, `carrier down took ${ms} virtual ms`);
    net.link('sr1', 'sr3').setUp(true);
    mustConverge(net, 'after carrier up');
  });

  it('detects a silent failure (100% loss, carrier up) within the dead interval', () => {
    const net = figure2(0);
    mustConverge(net, 'initial');
    net.sched.advance(5_000);
    const l = net.link('sr1', 'sr3');
    l.setLoss(1);
    net.silent.add(l);
    const ms = mustConverge(net, 'after silent failure');
    assert.ok(ms <= 400, `silent failure took ${ms} virtual ms`);
    l.setLoss(0);
    net.silent.delete(l);
    mustConverge(net, 'after repair');
  });

  it('routes around a crashed router, and accepts its LSAs after a restart that lost its state', () => {
    const net = figure2();
    mustConverge(net, 'initial');
    const lsdb = () => net.host('sg1').core.lsdb.get('adjacency', Name.parse(rname('sr3')));
    const before = lsdb()!.lsa.seq;
    net.crash('sr3');
    mustConverge(net, 'after crash');
    net.sched.advance(5);
    net.restart('sr3', false); // no persisted sequence number: the wall clock keeps it ahead
    mustConverge(net, 'after restart');
    assert.ok(lsdb()!.lsa.seq > before, 'the restarted router\'s new adjacency LSA was accepted');
    const l = lsdb()!.lsa;
    assert.equal(l.kind === 'adjacency' ? l.neighbors.length : -1, 4);
  });

  it('forgets a crashed router\'s prefixes by expiry, and keeps live ones by refresh', () => {
    const net = figure2(0);
    mustConverge(net, 'initial');
    net.crash('sg3');
    net.sched.advance(61_000); // > lifetime 60 s; live origins refresh every 20 s
    const db = net.host('sg1').core.lsdb;
    assert.equal(db.get('prefix', Name.parse(rname('sg3'))), undefined, 'expired');
    assert.ok(db.get('prefix', Name.parse(rname('sg4'))), 'refreshed');
    assert.ok(net.host('sg1').core.counters.lsaExpired >= 2);
    mustConverge(net, 'after expiry');
  });

  it('withdraws at once on graceful stop (flush)', () => {
    const net = figure2(0);
    mustConverge(net, 'initial');
    net.sched.advance(2_000); // quiet network: SPF hold back at its minimum
    net.host('sg3').stop();
    net.alive.delete('sg3');
    net.sched.advance(30);
    assert.equal(net.host('sg1').core.lsdb.get('prefix', Name.parse(rname('sg3'))), undefined);
    assert.equal(net.host('sg1').core.fib().lpm(Name.parse('/D/x')), undefined);
  });

  it('heals a partition', () => {
    const net = figure2();
    mustConverge(net, 'initial');
    // Cut {sg1, sg2, sr1, sr2} from {sr3, sg3, sg4}.
    for (const [a, b] of [['sr1', 'sr3'], ['sr2', 'sr3']] as const) net.link(a, b).setUp(false);
    mustConverge(net, 'partitioned');
    assert.equal(net.host('sg1').core.fib().lpm(Name.parse('/D')), undefined, 'no route across the partition');
    net.sched.advance(2_000);
    for (const [a, b] of [['sr1', 'sr3'], ['sr2', 'sr3']] as const) net.link(a, b).setUp(true);
    mustConverge(net, 'healed');
  });

  it('ends with correct FIBs after 100 flaps in 10 s, and SPF runs stay throttled', () => {
    const net = figure2();
    mustConverge(net, 'initial');
    const spfBefore = net.host('sg1').core.counters.spfRuns;
    for (let i = 0; i < 100; i++) {
      const l = net.links[Math.floor(net.random() * net.links.length)]!.link;
      l.setUp(!l.up);
      net.sched.advance(100);
    }
    for (const l of net.links) l.link.setUp(true);
    mustConverge(net, 'after the storm');
    const runs = net.host('sg1').core.counters.spfRuns - spfBefore;
    assert.ok(runs < 100, `sg1 ran SPF ${runs} times in the storm`);
  });
});
