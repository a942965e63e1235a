/** Prints codec speed figures (no timed assertion; the figures go in the README). */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decode, decrementHopLimit, encode, Name, signLsa, verifyLsa, type DataRequest, type Message } from '../../src/wire/index.js';
import { examples } from './examples.js';

function rate(label: string, n: number, f: () => void): number {
  for (let i = 0; i < Math.min(n, 20000); i++) f(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(`      ${label.padEnd(44)} ${(1e9 / ns).toFixed(0).padStart(9)} ops/s  ${(ns / 1000).toFixed(2)} µs/op`);
  return ns;
}

describe('wire: speed (prints figures)', function () {
  this.timeout(60_000);
  it('encode/decode a 100-byte data request, hop limit in place, LSA sign/verify', () => {
    const req: DataRequest = {
      type: 'request',
      name: Name.parse('/B/4/echo'),
      requester: Name.parse('/damc/router/sg1'),
      requestId: 123456789n,
      hopLimit: 64,
      segIndex: 0,
      segCount: 1,
      payload: new Uint8Array(100 - 55), // 100 bytes on the wire with this 55-byte header
    };
    const wire = encode(req);
    assert.equal(wire.length, 100);
    let sink: Message | Uint8Array | string = wire;
    rate('encode 100-byte request', 200_000, () => (sink = encode(req)));
    rate('decode 100-byte request', 200_000, () => (sink = decode(wire)));
    rate('encode+decode 100-byte request', 200_000, () => (sink = decode(encode(req))));
    const copy = wire.slice();
    rate('decrementHopLimit (in place)', 1_000_000, () => {
      copy[5] = 64;
      sink = decrementHopLimit(copy);
    });
    const big = encode(examples['qos-policy']);
    rate(`encode+decode qos-policy (${big.length} bytes)`, 100_000, () => (sink = decode(encode(examples['qos-policy']))));
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const lsa = signLsa({ kind: 'prefix', origin: Name.parse('/damc/router/sg1'), seq: 1n, lifetimeS: 3600, prefixes: [{ prefix: Name.parse('/B'), cost: 0 }] }, privateKey);
    rate('signLsa', 5_000, () => (sink = signLsa(lsa, privateKey).signature));
    rate('verifyLsa', 5_000, () => assert.ok(verifyLsa(lsa, publicKey)));
    assert.ok(sink);
  });
});
