/** Ed25519 over LSA and announcement bodies, and raw-key conversion. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  announcementBody,
  decode,
  encode,
  lsaBody,
  Name,
  publicKeyFromRaw,
  rawPublicKey,
  signAnnouncement,
  signLsa,
  verifyAnnouncement,
  verifyLsa,
  type Lsa,
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
