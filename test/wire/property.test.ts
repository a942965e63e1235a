/** Round trips over random messages of every type (fast-check). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, encode, tryDecode, type MessageType } from '../../src/wire/index.js';
import { MsgType } from '../../src/wire/types.js';
import { message } from './arbitraries.js';

describe('wire: property round trips', () => {
  it('decode(encode(m)) deep-equals m for random messages of every type', () => {
    const seen = new Set<MessageType>();
    fc.assert(
      fc.property(message, (m) => {
        seen.add(m.type);
        assert.deepEqual(decode(encode(m)), m);
      }),
      { numRuns: 3000 },
    );
    assert.equal(seen.size, Object.keys(MsgType).length, `only saw ${[...seen].join(', ')}`);
  });

  it('encode(decode(b)) gives back b for every encoding (one canonical form)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const b = encode(m);
        assert.deepEqual(encode(decode(b)), b);
      }),
      { numRuns: 1000 },
    );
  });

  it('decoded values do not alias the input buffer', () => {
    fc.assert(
      fc.property(message, (m) => {
        const b = encode(m);
        const d = decode(b);
        b.fill(0xee);
        assert.deepEqual(d, m);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes from a Node Buffer (a pooled slice, as sockets hand them out) into plain copies', () => {
    fc.assert(
      fc.property(message, (m) => {
        const wire = encode(m);
        const pool = Buffer.alloc(wire.length + 16, 0x55);
        const buf = pool.subarray(8, 8 + wire.length);
        buf.set(wire);
        const d = decode(buf);
        pool.fill(0xee);
        assert.deepEqual(d, m);
      }),
      { numRuns: 500 },
    );
  });

  it('every prefix of a valid encoding is a typed error, never a message or another exception', () => {
    fc.assert(
      fc.property(message, (m) => {
        const b = encode(m);
        for (let cut = 0; cut < b.length; cut++) {
          const r = tryDecode(b.subarray(0, cut));
          // A cut inside the message TLV always loses bytes its length promised.
          assert.equal(r.ok, false);
          if (!r.ok) assert.ok(['truncated', 'unsupported-version'].includes(r.error.code), r.error.code);
        }
      }),
      { numRuns: 200 },
    );
  });
});
