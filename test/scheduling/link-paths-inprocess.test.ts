/**
 * Link figures to paths, in one process (figure2): routers probe their adjacencies and report
 * the slow sg4–sr2 link to the SCSC by name; the SCSC's QoS Dijkstra gives sr1 a next-hop entry
 * for /B/4 via sr3, and sr1 really forwards A/1's calls to B/4 that way; once the link is fast
 * again the entry goes and sr1 spreads over both paths again.
 */
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/index.js';
import { ServiceNet } from '../service/service-net.js';

describe('link telemetry in-process (figure2): a slow SR link moves /B/4 onto the other path', function () {
  this.timeout(60_000);
  const net = new ServiceNet((c) => ({ ...c, scheduling: { spread: 'pool', probeIntervalMs: 200, policyLifetimeMs: 4000 } }));
  before(() => net.start());
  after(() => net.stop());
  const B4 = Name.parse('/B/4');

  const sr1 = () => net.sg('sr1');
  const steered = () => sr1().scheduling.steering!.steered.map((s) => `${s.prefix} ${s.nexthops.map((h) => h.iface).join(',')}`);
  const tx = (key: string) => net.links.get(key)!.a.counters().txFrames;

  /**
   * sr1's frames out to sr2 and to sr3 during `n` calls to B/4 (each call is one request frame
   * from sr1 towards sg4; hellos, probes and acks add the same background to both links).
   */
  async function callsTo4B(n: number): Promise<{ viaSr2: number; viaSr3: number; failed: number }> {
    const a = tx('sr1:eth3'), b = tx('sr1:eth4');
    let failed = 0;
    for (let i = 0; i < n; i++) if ((await net.call('pod1', 'http://4.B/echo')).status !== 200) failed++;
    return { viaSr2: tx('sr1:eth3') - a, viaSr3: tx('sr1:eth4') - b, failed };
  }

  it('no impairment: no link is reported as notable, sr1 forwards by its FIB over both paths', async () => {
    await net.call('pod1', 'http://B/echo');
    await new Promise((r) => setTimeout(r, 1500));
    const scsc = net.sg('scsc').handle({ cmd: 'scsc' }) as { view: { links: unknown[] } };
    assert.deepEqual(scsc.view.links, []);
    assert.deepEqual(steered(), []);
    assert.ok(sr1().scheduling.links.counters.probesTx > 0 && sr1().scheduling.links.counters.probesAnswered > 0, 'sr1 probes its links');
    const r = await callsTo4B(60);
    assert.equal(r.failed, 0);
    assert.ok(Math.abs(r.viaSr3 - r.viaSr2) < 30, `both paths carry calls: ${JSON.stringify(r)}`);
  });

  it('sg4–sr2 30 ms each way: the SCSC penalises it and sr1 sends /B/4 via sr3 only; fast again, both paths', async () => {
    const link = net.links.get('sg4:eth3')!; // sg4:eth3 – sr2:eth2
    link.delayMs = 30;
    try {
      const t0 = Date.now();
      while (!steered().includes('/B/4 eth4') && Date.now() - t0 < 8000) {
        await net.call('pod1', 'http://B/echo');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(steered().filter((s) => s.startsWith('/B/4')), ['/B/4 eth4'], `sr1 steers /B/4 via sr3 (${Date.now() - t0} ms)`);
      const scsc = net.sg('scsc').handle({ cmd: 'scsc' }) as { text: string; view: { links: { from: string; to: string; reasons: string[] }[] } };
      assert.ok(scsc.view.links.some((l) => l.from === '/damc/router/sr2' && l.to === '/damc/router/sg4' && l.reasons.some((x) => /^rtt /.test(x))), JSON.stringify(scsc.view.links));
      const pol = sr1().handle({ cmd: 'policies' }) as { text: string; steered: { prefix: string; nexthops: { neighbor: string }[] }[] };
      assert.match(pol.text, /\/B\/4 +nexthops \/damc\/router\/sr3=1/);
      assert.match(pol.text, /forwarding \/B\/4 by policy via sr3 \(eth4\)/);
      const r = await callsTo4B(100);
      assert.equal(r.failed, 0);
      assert.ok(r.viaSr3 - r.viaSr2 >= 60, `calls to B/4 leave sr1 via sr3: ${JSON.stringify(r)}`);
      assert.ok(sr1().scheduling.steering!.steered.some((s) => s.prefix.equals(B4)));
    } finally {
      link.delayMs = 0.2;
    }
    const t1 = Date.now();
    while (steered().some((s) => s.startsWith('/B/4')) && Date.now() - t1 < 8000) {
      await net.call('pod1', 'http://B/echo');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(steered(), [], `the entry is gone once the link is fast (${Date.now() - t1} ms)`);
    const r = await callsTo4B(60);
    assert.ok(Math.abs(r.viaSr3 - r.viaSr2) < 30, `sr1 uses sr2 again: ${JSON.stringify(r)}`);
  });
});
