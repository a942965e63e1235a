/** Ed25519 over LSA, announcement and policy bodies, and raw-key conversion. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
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

describe('wire: signatures', () => {
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
