/** A prefix LSA too big for one frame is split into parts; every router installs every part. */
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/index.js';
import { encode } from '../../src/wire/index.js';
import { splitParts } from '../../src/routing/origination.js';
import { rname, TestNet } from './net.js';

const many = (n: number) => Array.from({ length: n }, (_, i) => `/S${Math.floor(i / 10)}/${i}`);

describe('routing: split prefix LSAs (parts)', function () {
  this.timeout(60_000);

  it('splits entries into parts whose encoded LSA fits the budget', () => {
    const entries = many(500).map((p) => ({ prefix: Name.parse(p), cost: 0 }));
    const parts = splitParts(entries, 1400);
    assert.ok(parts.length > 1);
    assert.deepEqual(parts.flat(), entries, 'nothing lost, order kept');
    for (const [i, prefixes] of parts.entries()) {
      const bytes = encode({ type: 'lsa', lsa: { kind: 'prefix', origin: Name.parse('/damc/router/sg-with-a-long-name'), seq: 2n ** 63n, lifetimeS: 3600, part: i, prefixes, signature: new Uint8Array(64) } });
      assert.ok(bytes.length <= 1400, `part ${i}: ${bytes.length} bytes`);
    }
  });

  it('5,000 prefixes at one router reach every FIB in a line of 4 (1500-byte frames), and fewer prefixes flush the extra parts', () => {
    const net = new TestNet(['a', 'b', 'c', 'd'], [{ a: 'a', b: 'b' }, { a: 'b', b: 'c' }, { a: 'c', b: 'd' }], { a: many(5000) });
    net.start();
    const ms = net.converge(30_000);
    assert.ok(ms >= 0, `converged: ${net.diff().slice(0, 500)}`);
    for (const r of ['b', 'c', 'd']) {
      const fib = net.host(r).core.fib();
      assert.equal(fib.entries().filter((e) => e.prefix.key.startsWith('/S')).length, 5000, r);
    }
    const parts = net.host('d').core.lsdb.all().filter((e) => e.lsa.kind === 'prefix' && e.lsa.origin.key === rname('a'));
    assert.ok(parts.length > 10, `${parts.length} parts`);
    assert.equal(net.events.filter((x) => x.e.type === 'lsa-drop').length, 0);
    const sent = net.links[0]!.link.a.counters();
    assert.equal(sent.txErrors, 0, 'no frame was too big for the link');

    // One more prefix at the end: only the last part changes, only it is flooded anew.
    const before = net.host('a').core.counters.lsaOriginated;
    const more = [...many(5000), '/T/1'];
    net.nodes.get('a')!.prefixes = more;
    net.host('a').core.setPrefixes(more.map((p) => Name.parse(p)));
    assert.ok(net.converge(30_000) >= 0, net.diff().slice(0, 500));
    assert.equal(net.host('a').core.counters.lsaOriginated - before, 1, 'one part re-originated');

    net.nodes.get('a')!.prefixes = ['/S0/1'];
    net.host('a').core.setPrefixes([Name.parse('/S0/1')]);
    assert.ok(net.converge(30_000) >= 0, net.diff().slice(0, 500));
    assert.equal(net.host('d').core.lsdb.all().filter((e) => e.lsa.kind === 'prefix' && e.lsa.origin.key === rname('a')).length, 1);
  });
});
