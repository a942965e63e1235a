/** Ed25519 over LSA, announcement and policy bodies, and raw-key conversion. */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  announcementBody,
  decode,
  encode,
  lsaBody,
  Name,
  policyBody,
  publicKeyFromRaw,
  rawPublicKey,
  signAnnouncement,
  signLsa,
  signPolicy,
  verifyAnnouncement,
  verifyLsa,
  verifyPolicy,
  type Lsa,
  type QosPolicy,
  type UnsignedPolicy,
  type UnsignedLsa,
} from '../../src/wire/index.js';

const n = (s: string): Name => Name.parse(s);
const unsigned: UnsignedLsa = { kind: 'adjacency', origin: n('/damc/router/sr1'), seq: 5n, lifetimeS: 600, neighbors: [{ neighbor: n('/damc/router/sg1'), cost: 10 }] };

/** A TLV as another implementation may write it: `wide` lengths in the 3-byte VAR-NUMBER form. */
function tlv(type: number, value: Uint8Array | number[], wide = false): number[] {
  const v = [...value];
  const len = wide || v.length > 252 ? [253, v.length >> 8, v.length & 0xff] : [v.length];
  return [type, ...len, ...v];
}
/** A non-negative integer in `bytes` bytes (PROTOCOL.md allows 1, 2, 4 or 8; ours writes the shortest). */
function nni(x: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Number((BigInt(x) >> BigInt(8 * (bytes - 1 - i))) & 0xffn));
}
function nameTlv(type: number, text: string): number[] {
  return tlv(type, text.split('/').filter(Boolean).flatMap((c) => tlv(0x14, [...Buffer.from(c)])));
}

describe('wire: signatures', () => {
  it('verifies an LSA written by another implementation (other widths, other order) against the bytes received', () => {
    const k = generateKeyPairSync('ed25519');
    // Fields in another order than ours, integers wider than needed, non-minimal lengths.
    const body = Uint8Array.from(tlv(0x2c, [
      ...tlv(0x26, nni(9, 8)), // Seq, 8 bytes
      ...tlv(0x29, [...tlv(0x2a, nni(3, 4)), ...nameTlv(0x13, '/B/4')], true), // PrefixEntry { Cost, Name }
      ...nameTlv(0x25, '/damc/router/other'), // Origin
      ...tlv(0x27, nni(600, 4), true), // Lifetime, 4 bytes
      ...tlv(0x24, nni(2, 2)), // LsaKind = prefix, 2 bytes
    ], true));
    const signature = new Uint8Array(sign(null, body, k.privateKey));
    const frame = Uint8Array.from([1, ...tlv(0x02, [...tlv(0x2b, [...signature]), ...body])]); // signature first
    const msg = decode(frame);
    assert.ok(msg.type === 'lsa' && msg.lsa.kind === 'prefix');
    assert.deepEqual([msg.lsa.seq, msg.lsa.lifetimeS, msg.lsa.prefixes[0]!.prefix.toString(), msg.lsa.prefixes[0]!.cost], [9n, 600, '/B/4', 3]);
    assert.equal(verifyLsa(msg.lsa, k.publicKey), true, 'verifies against the received body');
    assert.notDeepEqual(lsaBody({ ...msg.lsa }), body, 'our own encoding of the same fields differs (so a re-encoding would not verify)');
    assert.equal(verifyLsa({ ...msg.lsa }, k.publicKey), false);
    // Flooded on by us, the body goes out byte-for-byte, so the next router verifies it too.
    const again = decode(encode(msg));
    assert.ok(again.type === 'lsa');
    assert.deepEqual(lsaBody(again.lsa), body);
    assert.equal(verifyLsa(again.lsa, k.publicKey), true);
  });

  it('carries the remaining lifetime outside the signed body', () => {
    const k = generateKeyPairSync('ed25519');
    const lsa = signLsa(unsigned, k.privateKey);
    const got = decode(encode({ type: 'lsa', lsa, remainingS: 17 }));
    assert.ok(got.type === 'lsa');
    assert.equal(got.remainingS, 17);
    assert.equal(verifyLsa(got.lsa, k.publicKey), true, 'any router may lower it without breaking the signature');
    const plain = decode(encode({ type: 'lsa', lsa }));
    assert.ok(plain.type === 'lsa' && plain.remainingS === undefined, 'absent when the sender did not set it');
  });

  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');

  it('signs an LSA that verifies with the origin key after a trip over the wire, and not with another', () => {
    const lsa = signLsa(unsigned, a.privateKey);
    assert.equal(lsa.signature.length, 64);
    const got = decode(encode({ type: 'lsa', lsa }));
    assert.ok(got.type === 'lsa' && verifyLsa(got.lsa, a.publicKey));
    assert.equal(verifyLsa(lsa, b.publicKey), false);
  });

  it('fails verification when any signed field changes, or the signature is cut', () => {
    const lsa = signLsa(unsigned, a.privateKey);
    const changed: Lsa[] = [
      { ...lsa, seq: 6n },
      { ...lsa, lifetimeS: 0 },
      { ...lsa, origin: n('/damc/router/sr2') },
      { ...lsa, neighbors: [{ neighbor: n('/damc/router/sg1'), cost: 1 }] } as Lsa,
      { ...lsa, signature: lsa.signature.subarray(0, 63) },
      { ...lsa, signature: new Uint8Array() },
    ];
    for (const c of changed) assert.equal(verifyLsa(c, a.publicKey), false);
  });

  it('lsaBody is the LsaBody TLV exactly as it appears in the encoded frame', () => {
    const lsa = signLsa(unsigned, a.privateKey);
    const wire = Buffer.from(encode({ type: 'lsa', lsa }));
    const body = Buffer.from(lsaBody(lsa));
    assert.equal(body[0], 0x2c);
    assert.equal(wire.indexOf(body), 3); // version, type, 1-byte length, then the body
    assert.deepEqual(lsaBody(lsa), lsaBody(unsigned));
  });

  it('signs and verifies announcements, by default against the key they carry', () => {
    const ann = signAnnouncement(
      { type: 'prefix-announcement', action: 'announce', pod: n('/damc/pod/p1'), prefixes: [n('/B')], publicKey: rawPublicKey(a.publicKey), timestamp: 1 },
      a.privateKey,
    );
    assert.ok(verifyAnnouncement(ann));
    assert.ok(verifyAnnouncement(ann, a.publicKey));
    assert.equal(verifyAnnouncement(ann, b.publicKey), false);
    assert.equal(verifyAnnouncement({ ...ann, prefixes: [n('/C')] }), false);
    assert.equal(verifyAnnouncement({ ...ann, publicKey: new Uint8Array(5) }), false, 'a malformed key does not throw');
    assert.equal(Buffer.from(announcementBody(ann))[0], 0x34);
  });

  it('signs a QoS policy over its PolicyBody; any changed field, another key or no signature fails', () => {
    const u: UnsignedPolicy = {
      type: 'qos-policy',
      origin: n('/damc/scsc'),
      version: 12n,
      expires: 1_800_000_030_000,
      entries: [{ prefix: n('/B'), instances: [{ name: n('/B/1'), weight: 100 }, { name: n('/B/4'), weight: 0 }], nexthops: [] }],
    };
    const p = signPolicy(u, a.privateKey);
    const got = decode(encode(p));
    assert.ok(got.type === 'qos-policy' && verifyPolicy(got, a.publicKey));
    assert.equal(verifyPolicy(p, b.publicKey), false);
    const changed: QosPolicy[] = [
      { ...p, version: 13n },
      { ...p, expires: p.expires + 1 },
      { ...p, origin: n('/damc/other') },
      { ...p, entries: [{ prefix: n('/B'), instances: [{ name: n('/B/4'), weight: 100 }], nexthops: [] }] },
      { ...p, signature: new Uint8Array() },
    ];
    for (const c of changed) assert.equal(verifyPolicy(c, a.publicKey), false);
    const wire = Buffer.from(encode(p));
    const body = Buffer.from(policyBody(p));
    assert.equal(body[0], 0x7b);
    assert.equal(wire.indexOf(body), 3);
  });

  it('converts keys to raw 32 bytes and back (from public or private keys)', () => {
    const raw = rawPublicKey(a.publicKey);
    assert.equal(raw.length, 32);
    assert.deepEqual(rawPublicKey(a.privateKey), raw);
    assert.deepEqual(rawPublicKey(publicKeyFromRaw(raw)), raw);
    const spki = a.publicKey.export({ format: 'der', type: 'spki' });
    assert.deepEqual(new Uint8Array(spki.subarray(spki.length - 32)), raw);
    assert.throws(() => publicKeyFromRaw(new Uint8Array(31)), RangeError);
  });
});
