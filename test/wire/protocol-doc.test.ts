/**
 * PROTOCOL.md cannot drift: every message type has an example there, and each example's hex
 * decodes to test/wire/examples.ts's message and is exactly what the encoder produces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decode, encode, verifyAnnouncement, verifyLsa, verifyPolicy, publicKeyFromRaw, rawPublicKey } from '../../src/wire/index.js';
import { MsgType } from '../../src/wire/types.js';
import { examples, routerKey, scscKey } from './examples.js';

const doc = readFileSync(new URL('../../../src/wire/PROTOCOL.md', import.meta.url), 'utf8');

function docExamples(): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  for (const m of doc.matchAll(/<!-- example: ([a-z-]+) -->\s*```hex\n([0-9a-f \n]+)```/g)) {
    found.set(m[1]!, Uint8Array.from(Buffer.from(m[2]!.replace(/\s+/g, ''), 'hex')));
  }
  return found;
}

describe('wire: PROTOCOL.md examples', () => {
  const found = docExamples();

  it('has one example per message type', () => {
    assert.deepEqual([...found.keys()].sort(), Object.keys(MsgType).sort());
  });

  for (const [type, m] of Object.entries(examples)) {
    it(`${type}: the documented hex decodes to the example and is what the encoder writes`, () => {
      const hex = found.get(type);
      assert.ok(hex, `no example for ${type} in PROTOCOL.md (regenerate with node dist/test/wire/print-examples.js)`);
      assert.deepEqual(decode(hex), m);
      assert.equal(Buffer.from(encode(m)).toString('hex'), Buffer.from(hex).toString('hex'));
    });
  }

  it('the documented signatures are real', () => {
    const lsa = decode(found.get('lsa')!);
    assert.ok(lsa.type === 'lsa' && verifyLsa(lsa.lsa, publicKeyFromRaw(rawPublicKey(routerKey))));
    const ann = decode(found.get('auth-request')!);
    assert.ok(ann.type === 'auth-request' && verifyAnnouncement(ann.announcement));
    const policy = decode(found.get('qos-policy')!);
    assert.ok(policy.type === 'qos-policy' && verifyPolicy(policy, publicKeyFromRaw(rawPublicKey(scscKey))));
  });

  it('lists every type number of types.ts in its tables', () => {
    const numbers = Object.values(MsgType).map((v) => `0x${v.toString(16).padStart(2, '0')}`);
    for (const x of numbers) assert.ok(doc.includes(`| ${x} |`), x);
  });
});
