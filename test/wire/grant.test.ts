/** Grants (SPA-signed permission to advertise a prefix) and LSA parts on the wire. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  decode,
  DecodeError,
  encode,
  grantBody,
  Name,
  publicKeyFromRaw,
  rawPublicKey,
  signGrant,
  verifyGrant,
  verifyLsa,
  type Grant,
} from '../../src/wire/index.js';
import { examples, extraExamples, grant, routerKey, spaKey } from './examples.js';

const n = (s: string): Name => Name.parse(s);
const doc = readFileSync(new URL('../../../src/wire/PROTOCOL.md', import.meta.url), 'utf8');

describe('wire: grants and LSA parts', () => {
  it('a grant verifies with the SPA key after a trip inside an LSA, and not with another key', () => {
    const m = decode(encode(extraExamples['lsa-granted-part']!));
    assert.ok(m.type === 'lsa' && m.lsa.kind === 'prefix');
    const g = m.lsa.prefixes[0]!.grant!;
    assert.ok(verifyGrant(g, publicKeyFromRaw(rawPublicKey(spaKey))));
    assert.equal(verifyGrant(g, generateKeyPairSync('ed25519').publicKey), false);
    assert.ok(verifyLsa(m.lsa, publicKeyFromRaw(rawPublicKey(routerKey))), 'the LSA signature covers the grant and the part');
    assert.equal(m.lsa.part, 1);
  });

  it('any changed grant field breaks the SPA signature', () => {
    const key = publicKeyFromRaw(rawPublicKey(spaKey));
    const changed: Grant[] = [
      { ...grant, prefix: n('/Z') },
      { ...grant, gateway: n('/damc/router/sg2') },
      { ...grant, authority: n('/damc/spa/spa2') },
      { ...grant, expires: grant.expires + 1 },
      { ...grant, signature: grant.signature.slice(0, 63) },
    ];
    for (const g of changed) assert.equal(verifyGrant(g, key), false, JSON.stringify(g.prefix.toString()));
  });

  it('a grant with an unknown skippable field keeps its signed bytes through decode and re-encode', () => {
    const g = signGrant({ prefix: n('/B'), gateway: n('/g'), authority: n('/s'), expires: 5 }, spaKey);
    const body = grantBody(g);
    // Append a skippable field (type 0x64, 1 byte) inside GrantBody and re-sign the extended body.
    const ext = Uint8Array.from([...body.subarray(0, 1), body[1]! + 3, ...body.subarray(2), 0x64, 0x01, 0xaa]);
    const sig = new Uint8Array(sign(null, ext, spaKey));
    const grantTlv = Uint8Array.from([0x56, ext.length + 2 + 64, ...ext, 0x2b, 64, ...sig]);
    const resp = Uint8Array.from([1, 0x08, 3 + 3 + grantTlv.length, 0x35, 1, 1, 0x37, 1, 1, ...grantTlv]);
    const m = decode(resp);
    assert.ok(m.type === 'auth-response' && m.grants?.length === 1);
    assert.ok(verifyGrant(m.grants[0]!, publicKeyFromRaw(rawPublicKey(spaKey))));
    assert.deepEqual(encode(m), resp, 're-encoded byte for byte');
  });

  it('part 0 is no field at all: an unsplit LSA encodes exactly as before parts existed', () => {
    const lsa = examples.lsa;
    assert.ok(lsa.type === 'lsa');
    const withZero = { ...lsa, lsa: { ...lsa.lsa, part: 0 } };
    assert.deepEqual(encode(withZero), encode(lsa));
  });

  it('a part number appears in headers and wanted lists, and twice is duplicate-field', () => {
    const req = decode(encode({ type: 'lsa-request', wanted: [{ kind: 'prefix', origin: n('/o'), part: 3 }, { kind: 'prefix', origin: n('/o') }] }));
    assert.ok(req.type === 'lsa-request');
    assert.deepEqual(req.wanted.map((w) => w.part), [3, undefined]);
    const ack = encode(extraExamples['lsa-ack-part']!);
    // LsaHeader is the last TLV: append a second LsaPart inside it.
    const bad = Uint8Array.from([...ack.subarray(0, 2), ack[2]! + 3, ack[3]!, ack[4]! + 3, ...ack.subarray(5), 0x57, 1, 2]);
    assert.throws(() => decode(bad), (e: unknown) => e instanceof DecodeError && e.code === 'duplicate-field');
  });

  it('PROTOCOL.md shows each extra example as the encoder writes it', () => {
    for (const [name, m] of Object.entries(extraExamples)) {
      const hit = new RegExp(`<!-- extra: ${name} -->\\s*\`\`\`hex\\n([0-9a-f \\n]+)\`\`\``).exec(doc);
      assert.ok(hit, `no extra example ${name} in PROTOCOL.md (node dist/test/wire/print-examples.js --extra)`);
      const hex = hit[1]!.replace(/\s+/g, '');
      assert.equal(Buffer.from(encode(m)).toString('hex'), hex, name);
      assert.deepEqual(decode(Uint8Array.from(Buffer.from(hex, 'hex'))), m);
    }
  });
});
