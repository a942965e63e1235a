import assert from 'node:assert/strict';
import { LinkStats } from '../../src/scheduling/link-stats.js';
import { Name } from '../../src/wire/index.js';

const sr2 = Name.parse('/damc/router/sr2');
const sr3 = Name.parse('/damc/router/sr3');

describe('scheduling: link figures from probes', () => {
  it('RTT is the median of the last three answers; one late answer does not move it', () => {
    const s = new LinkStats();
    let id = 0n, t = 0;
    const probe = (rtt: number | undefined) => {
      const i = id++;
      s.sent('eth3', sr2, i, t);
      if (rtt !== undefined) s.answered(i, t + rtt);
      t += 500;
    };
    probe(1); probe(1); probe(90);
    assert.equal(s.samples(t)[0]!.rttUs, 1000);
    probe(90);
    assert.equal(s.samples(t)[0]!.rttUs, 90_000, 'two of three slow: it is slow');
    assert.equal(s.samples(t)[0]!.lossPpm, 0);
  });

  it('loss: probes unanswered past the deadline, over the window; a late answer is not ours any more', () => {
    const s = new LinkStats({ window: 4, rttOf: 3, deadlineMs: 1000, notableRttUs: 10_000 });
    s.sent('eth3', sr2, 1n, 0);
    s.sent('eth3', sr2, 2n, 0);
    assert.ok(s.answered(1n, 1));
    s.expire(1000);
    assert.equal(s.answered(2n, 1001), false);
    assert.equal(s.samples(1001)[0]!.lossPpm, 500_000);
    assert.equal(s.answered(99n, 1001), false, 'an answer to no probe of ours');
  });

  it('reports only notable links, and a link once more when it stops being notable', () => {
    const s = new LinkStats();
    s.sent('eth3', sr2, 1n, 0); s.answered(1n, 1);
    s.sent('eth4', sr3, 2n, 0); s.answered(2n, 60);
    assert.deepEqual(s.report(100).map((x) => x.target.toString()), ['/damc/router/sr3']);
    for (let i = 3n; i < 6n; i++) { s.sent('eth4', sr3, i, 0); s.answered(i, 1); }
    const clear = s.report(200);
    assert.deepEqual(clear.map((x) => [x.target.toString(), x.rttUs]), [['/damc/router/sr3', 1000]], 'the clearing report');
    assert.deepEqual(s.report(300), [], 'a healthy fabric reports nothing');
  });

  it('forgets links that are no longer adjacencies', () => {
    const s = new LinkStats();
    s.sent('eth3', sr2, 1n, 0); s.answered(1n, 1);
    s.sent('eth4', sr3, 2n, 0);
    s.retain([{ iface: 'eth3', neighbor: sr2 }]);
    assert.deepEqual(s.samples(10).map((x) => x.target.toString()), ['/damc/router/sr2']);
    assert.equal(s.answered(2n, 5), false);
  });
});
