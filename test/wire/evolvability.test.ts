/**
 * The growth rules of PROTOCOL.md: unknown skippable fields (even, >= 32) are skipped, unknown
 * critical ones (odd or < 32) reject the frame, and a signed body keeps its unknown fields so
 * an older router can verify and re-flood a newer router's LSA.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { decode, encode, isCritical, Name, signLsa, signPolicy, tryDecode, verifyLsa, verifyPolicy, type Message } from '../../src/wire/index.js';

const n = (s: string): Name => Name.parse(s);
const hello: Message = { type: 'hello', router: n('/r1'), iface: 'e1', helloIntervalMs: 1000, deadIntervalMs: 4000, neighbors: [] };

/** Inserts a TLV right after the message header (a 1-byte message length is assumed, so it is fixed up). */
function withExtraField(wire: Uint8Array, type: number, value: number[]): Uint8Array {
  assert.ok(wire[2]! + 2 + value.length < 253);
  return Uint8Array.from([wire[0]!, wire[1]!, wire[2]! + 2 + value.length, type, value.length, ...value, ...wire.subarray(3)]);
}

describe('wire: evolvability (critical vs skippable)', () => {
  it('classifies types as PROTOCOL.md says', () => {
    assert.deepEqual([1, 20, 31, 32, 33, 200, 201].map(isCritical), [true, true, true, false, true, false, true]);
  });

  it('skips an unknown skippable field (even type >= 32) and decodes the rest', () => {
    const wire = withExtraField(encode(hello), 0xc8, [1, 2, 3]);
    assert.deepEqual(decode(wire), hello);
  });

  it('rejects an unknown critical field (odd type) with unknown-critical-type at its offset', () => {
    const r = tryDecode(withExtraField(encode(hello), 0xc9, [1]));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'unknown-critical-type');
      assert.equal(r.error.offset, 3);
      assert.equal(r.error.name, 'DecodeError');
    }
  });

  it('rejects an unknown critical field below 32 even if even', () => {
    const r = tryDecode(withExtraField(encode(hello), 0x1e, []));
    assert.equal(!r.ok && r.error.code, 'unknown-critical-type');
  });

  it('rejects an unknown message type and another protocol version', () => {
    const r1 = tryDecode(Uint8Array.of(1, 0x40, 0));
    assert.equal(!r1.ok && r1.error.code, 'unknown-message-type');
    const r2 = tryDecode(Uint8Array.of(2, 0x01, 0));
    assert.equal(!r2.ok && r2.error.code, 'unsupported-version');
  });

  it('keeps an unknown field inside a signed LSA body, so the signature verifies and survives re-flooding', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const lsa = signLsa({ kind: 'prefix', origin: n('/r9'), seq: 1n, lifetimeS: 60, prefixes: [] }, privateKey);
    const wire = encode({ type: 'lsa', lsa });
    // A "newer router" adds skippable field 0x50 = [7] inside the body and signs that body.
    // Layout: 01 | 02 len | 2c blen body... | 2b 40 sig
    const bodyLen = wire[4]!;
    const body = Uint8Array.from([0x2c, bodyLen + 3, ...wire.subarray(5, 5 + bodyLen), 0x50, 1, 7]);
    const sig = new Uint8Array(sign(null, body, privateKey));
    const newer = Uint8Array.from([1, 0x02, body.length + 2 + sig.length, ...body, 0x2b, sig.length, ...sig]);
    const got = decode(newer);
    assert.equal(got.type, 'lsa');
    if (got.type !== 'lsa') return;
    assert.deepEqual({ ...got.lsa, signature: lsa.signature }, lsa); // the known fields
    assert.ok(verifyLsa(got.lsa, publicKey), 'an older router verifies the newer LSA');
    assert.deepEqual(encode(got), newer, 're-flooding sends the body byte for byte');
    // A copy built from the fields (not the received object) no longer matches the signature.
    assert.equal(verifyLsa({ ...got.lsa }, publicKey), false);
  });

  it('keeps an unknown field inside a signed policy body too; the unsigned layout of before is rejected', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const p = signPolicy({ type: 'qos-policy', origin: n('/s'), version: 3n, expires: 100, entries: [] }, privateKey);
    const wire = encode(p);
    // Layout: 01 | 0a len | 7b blen body... | 2b 40 sig
    const bodyLen = wire[4]!;
    const body = Uint8Array.from([0x7b, bodyLen + 3, ...wire.subarray(5, 5 + bodyLen), 0x50, 1, 7]);
    const sig = new Uint8Array(sign(null, body, privateKey));
    const newer = Uint8Array.from([1, 0x0a, body.length + 2 + sig.length, ...body, 0x2b, sig.length, ...sig]);
    const got = decode(newer);
    assert.ok(got.type === 'qos-policy' && verifyPolicy(got, publicKey));
    assert.deepEqual(encode(got), newer);
    // PolicyBody is critical, so a decoder from before signed policies rejects a signed one; and
    // this decoder rejects the unsigned layout of before (Origin straight in the message).
    assert.equal(isCritical(0x7b), true);
    const old = Uint8Array.from([1, 0x0a, 11, 0x25, 3, 0x14, 1, 0x73, 0x43, 1, 3, 0x44, 1, 0x64]);
    const r = tryDecode(old);
    assert.equal(!r.ok && r.error.code, 'unknown-critical-type');
  });
});

