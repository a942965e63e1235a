/** Hop limit on encoded bytes, and how much payload fits a frame. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, decrementHopLimit, encode, hopLimitOffset, maxDataPayload, Name, type DataRequest } from '../../src/wire/index.js';
import { name } from './arbitraries.js';

const n = (s: string): Name => Name.parse(s);
const req: DataRequest = { type: 'request', name: n('/B/4/echo'), requester: n('/damc/router/sg1'), requestId: 1n, hopLimit: 2, segIndex: 0, segCount: 1, payload: new Uint8Array(10) };

describe('wire: hop limit and MTU', () => {
  it('decrements in place until the packet expires', () => {
    const b = encode(req);
    assert.equal(hopLimitOffset(b), 5);
    assert.equal(decrementHopLimit(b), b);
    assert.equal((decode(b) as DataRequest).hopLimit, 1);
    decrementHopLimit(b);
    assert.equal((decode(b) as DataRequest).hopLimit, 0);
    assert.equal(decrementHopLimit(b), 'expired');
    assert.equal((decode(b) as DataRequest).hopLimit, 0, 'an expired packet is left as it was');
  });

  it('finds the hop limit in responses, nacks and large frames (3-byte length)', () => {
    const resp = encode({ ...req, type: 'response', status: 200, hopLimit: 9, payload: new Uint8Array(1400) });
    assert.equal(hopLimitOffset(resp), 7);
    decrementHopLimit(resp);
    assert.equal((decode(resp) as DataRequest).hopLimit, 8);
    const nack = encode({ type: 'nack', name: req.name, requester: req.requester, requestId: 1n, reason: 'no-route', hopLimit: 4, reporter: n('/r') });
    decrementHopLimit(nack);
    assert.equal((decode(nack) as { hopLimit: number }).hopLimit, 3);
  });

  it('refuses messages without a hop limit and malformed bytes with a DecodeError', () => {
    const hello = encode({ type: 'hello', router: n('/r'), iface: 'e', helloIntervalMs: 1, deadIntervalMs: 1, neighbors: [] });
    assert.throws(() => decrementHopLimit(hello), { name: 'DecodeError', code: 'unknown-message-type' });
    assert.throws(() => decrementHopLimit(Uint8Array.of(1, 0x10, 9, 0x15)), { name: 'DecodeError', code: 'truncated' });
    assert.throws(() => decrementHopLimit(new Uint8Array()), { name: 'DecodeError' });
  });

  it('maxDataPayload is the largest payload that fits the MTU, for any ids and statuses', () => {
    fc.assert(
      fc.property(name, name, fc.integer({ min: 200, max: 70000 }), (nm, requester, mtu) => {
        const p = maxDataPayload(nm, requester, mtu);
        const widest = { type: 'response', name: nm, requester, requestId: 2n ** 64n - 1n, hopLimit: 255, segIndex: Number.MAX_SAFE_INTEGER, segCount: Number.MAX_SAFE_INTEGER, status: Number.MAX_SAFE_INTEGER } as const;
        assert.ok(encode({ ...widest, payload: new Uint8Array(p) }).length <= mtu);
        assert.ok(encode({ ...widest, payload: new Uint8Array(p + 1) }).length > mtu);
      }),
      { numRuns: 300 },
    );
    // 1500 - 83 bytes of header for these names
    assert.equal(maxDataPayload(n('/B/4/echo'), n('/damc/router/sg1'), 1500), 1413);
  });
});
