import assert from 'node:assert/strict';
import { DEFAULT_PATHS, linkPenalties, nexthops, pathEntries } from '../../src/scheduling/index.js';
import { Name, type QosSample } from '../../src/wire/index.js';
import { figure2 } from './figure2-topology.js';

const n = (s: string) => Name.parse(s);
const r = (x: string) => n(`/damc/router/${x}`);
const link = (from: string, to: string, rttMs: number, lossPpm = 0): QosSample & { reporter: Name } => ({
  reporter: r(from), target: r(to), rttUs: rttMs * 1000, lossPpm, errorPpm: 0, healthy: true, samples: 10, time: 0,
});

describe('scheduling: paths over the QoS-weighted topology', () => {
  it('the plain topology gives sr1 two equal-cost next hops towards B/4 (via sr2 and sr3)', () => {
    const hops = nexthops(figure2(), r('sr1')).get('/B/4')!.map(String).sort();
    assert.deepEqual(hops, ['/damc/router/sr2', '/damc/router/sr3']);
  });

  it('a congested sr1->sr2 link moves /B/4 onto sr3 for the routers whose path used it', () => {
    const topo = figure2();
    const pen = linkPenalties([link('sr1', 'sr2', 180, 30_000), link('sr1', 'sr3', 0.2), link('sg1', 'sg4', 500)], topo);
    assert.equal(pen.length, 1, 'only adjacent routers measure links; a quiet link adds nothing');
    assert.equal(pen[0]!.extra, 9 + 3 + DEFAULT_PATHS.breachPenalty);
    assert.deepEqual(pen[0]!.reasons, ['rtt 180.0 ms > 50 ms', 'loss 3% > 2%']);
    const entries = pathEntries(topo, pen, [n('/B/1'), n('/B/4')]);
    assert.deepEqual([...entries.keys()], ['/damc/router/sr1']);
    assert.deepEqual(entries.get('/damc/router/sr1'), [{ prefix: n('/B/4'), instances: [], nexthops: [{ name: r('sr3'), weight: 1 }] }]);
  });

  it('congestion in the other direction (sr2->sr1) leaves /B/4 alone and moves /B/1 at sr2 and sg4', () => {
    const topo = figure2();
    const entries = pathEntries(topo, linkPenalties([link('sr2', 'sr1', 200)], topo), [n('/B/1'), n('/B/4')]);
    const hops = (router: string) => entries.get(`/damc/router/${router}`)!.map((e) => [e.prefix.toString(), e.nexthops.map((h) => h.name.toString()).sort()]);
    assert.deepEqual([...entries.keys()].sort(), ['/damc/router/sg4', '/damc/router/sr2']);
    // sr2: the direct sr1 link was 2 to B/1; now sg2 (over the cost-2 line) and sr3 tie at 3.
    assert.deepEqual(hops('sr2'), [['/B/1', ['/damc/router/sg2', '/damc/router/sr3']]]);
    // sg4: sr2 and sr3 tied at 3; only sr3 avoids the congested link.
    assert.deepEqual(hops('sg4'), [['/B/1', ['/damc/router/sr3']]]);
  });

  it('no penalty, no entries', () => {
    assert.equal(pathEntries(figure2(), [], [n('/B/4')]).size, 0);
  });
});
