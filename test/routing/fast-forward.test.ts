/** Forwarding from the received bytes decides exactly as the full path (decide + re-encode) does. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFib, decide, FastForwarder, newCounters, type RibEntry } from '../../src/routing/index.js';
import { decode, encode, Name, type Message } from '../../src/wire/index.js';
import { message } from '../wire/arbitraries.js';

const n = (s: string): Name => Name.parse(s);
const hop = (iface: string, neighbor: string) => ({ iface, neighbor: n(neighbor), cost: 1 });
const rib = (prefix: string, e: Partial<RibEntry>): RibEntry => ({ prefix: n(prefix), cost: 1, local: false, nexthops: [], ...e } as RibEntry);
const FIB = buildFib([
  rib('/B', { nexthops: [hop('eth2', '/r2')] }),
  rib('/B/4', { nexthops: [hop('eth3', '/r3')] }),
  rib('/C', { nexthops: [hop('eth2', '/r2'), hop('eth3', '/r3')] }), // multipath: the full path hashes
  rib('/damc/router/me', { local: true }),
  rib('/damc/router/sg1', { nexthops: [hop('eth1', '/sg1')] }),
]);
const req = (name: string, hopLimit = 9): Uint8Array => encode({
  type: 'request', name: n(name), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit, segIndex: 0, segCount: 1, payload: new Uint8Array(10),
});

function rig(fib = FIB) {
  const sent: { iface: string; bytes: Uint8Array }[] = [];
  const counters = newCounters();
  let table = fib;
  const ff = new FastForwarder(() => table, counters, (iface, bytes) => (sent.push({ iface, bytes: bytes.slice() }), true));
  return { ff, sent, counters, setFib: (f: typeof fib) => (table = f) };
}

describe('routing: fast forwarding from the received bytes', () => {
  it('sends a request on its one next hop with the hop limit decremented in place, and counts it', () => {
    const { ff, sent, counters } = rig();
    const b = req('/B/4/echo');
    assert.equal(ff.forward(b), true);
    assert.deepEqual(sent.map((s) => s.iface), ['eth3']);
    assert.deepEqual(decode(sent[0]!.bytes), { ...decode(req('/B/4/echo')), hopLimit: 8 });
    assert.equal(counters.dataRx, 1);
    assert.equal(counters.dataForwarded, 1);
    assert.equal(ff.forward(req('/B/1/x')), true, 'cached or not, a shorter prefix matches too');
    assert.equal(sent[1]!.iface, 'eth2');
  });

  it('responses and nacks go by their requester', () => {
    const { ff, sent } = rig();
    const resp = encode({ type: 'response', name: n('/B/4/echo'), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit: 5, segIndex: 0, segCount: 1, status: 200, payload: new Uint8Array(3) });
    assert.equal(ff.forward(resp), true);
    assert.equal(sent[0]!.iface, 'eth1');
  });

  it('declines, untouched and uncounted, what the full path must handle', () => {
    const { ff, sent, counters } = rig();
    for (const b of [req('/damc/router/me/ping'), req('/Z/1'), req('/C/2'), req('/B/4', 1), req('/B/4', 0)]) {
      const copy = b.slice();
      assert.equal(ff.forward(b), false);
      assert.deepEqual(b, copy);
    }
    assert.equal(sent.length, 0);
    assert.equal(counters.dataRx, 0);
  });

  it('follows a new FIB at once (the cache is per table)', () => {
    const { ff, sent, setFib } = rig();
    ff.forward(req('/B/4/echo'));
    setFib(buildFib([rib('/B', { nexthops: [hop('eth9', '/r9')] })]));
    ff.forward(req('/B/4/echo'));
    setFib(buildFib([]));
    assert.equal(ff.forward(req('/B/4/echo')), false, 'no route now: the full path nacks');
    assert.deepEqual(sent.map((s) => s.iface), ['eth3', 'eth9']);
  });

  it('for any data packet, either declines or does what decide() and the re-encode would', () => {
    const names = fc.constantFrom('/B', '/B/4', '/B/4/echo', '/C/1', '/damc/router/me', '/damc/router/sg1', '/Z').map(n);
    const data = message.filter((m) => m.type === 'request' || m.type === 'response' || m.type === 'nack');
    let forwarded = 0;
    fc.assert(fc.property(data, names, names, (m0, name, requester) => {
      const m = { ...m0, name, requester } as Extract<Message, { type: 'request' | 'response' | 'nack' }>;
      const { ff, sent } = rig();
      const b = encode(m);
      if (!ff.forward(b)) return;
      forwarded++;
      const d = decide(FIB, m, 'eth1');
      assert.equal(d.action, 'send');
      if (d.action !== 'send') return;
      assert.equal(sent[0]!.iface, d.nexthop.iface);
      assert.deepEqual(decode(sent[0]!.bytes), { ...m, hopLimit: d.hopLimit });
    }), { numRuns: 3000 });
    assert.ok(forwarded > 300, `only ${forwarded} of 3000 took the fast path: the property would prove little`);
  });
});
