import assert from 'node:assert/strict';
import { PolicyStore, policySigner, trustMapPolicyVerifier } from '../../src/scheduling/index.js';
import { decode, encode, Name, rawPublicKey, type PolicyEntry, type QosPolicy } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';

const n = (s: string) => Name.parse(s);
const scsc = n('/damc/scsc');
const scscKey = keyFromSeed(3);
const otherKey = keyFromSeed(4);
const sign = policySigner(scscKey);
const verify = trustMapPolicyVerifier({ '/damc/scsc': rawPublicKey(scscKey) });
const T0 = 1_800_000_000_000;

const poolEntry: PolicyEntry = { prefix: n('/B'), instances: [{ name: n('/B/1'), weight: 100 }, { name: n('/B/4'), weight: 0 }], nexthops: [] };
const pathEntry: PolicyEntry = { prefix: n('/B/4'), instances: [], nexthops: [{ name: n('/damc/router/sr3'), weight: 1 }] };
const policy = (version: bigint, expires = T0 + 15_000, entries = [poolEntry, pathEntry]): QosPolicy =>
  sign({ type: 'qos-policy', origin: scsc, version, expires, entries });

describe('scheduling: a router\'s policy store', () => {
  it('installs a signed policy (also after a trip over the wire) and finds entries by longest prefix', () => {
    const st = new PolicyStore(verify);
    const p = decode(encode(policy(10n)));
    assert.ok(p.type === 'qos-policy');
    assert.equal(st.offer(p, T0), 'installed');
    assert.deepEqual(st.lookup(n('/B/echo'), T0)?.prefix, n('/B'));
    assert.deepEqual(st.lookup(n('/B/4/echo'), T0)?.prefix, n('/B/4'));
    assert.equal(st.lookup(n('/C/echo'), T0), undefined, 'no entry: the FIB decides');
  });

  it('rejects and counts forged, unsigned, unknown-origin, stale and expired policies', () => {
    const st = new PolicyStore(verify);
    assert.equal(st.offer(policy(10n), T0), 'installed');
    const forged = sign({ type: 'qos-policy', origin: scsc, version: 11n, expires: T0 + 15_000, entries: [] });
    assert.equal(st.offer({ ...forged, entries: [poolEntry] }, T0), 'bad-signature', 'entries changed after signing');
    assert.equal(st.offer(policySigner(otherKey)({ ...forged, version: 12n }), T0), 'bad-signature', 'signed by another key');
    assert.equal(st.offer({ ...policy(13n), signature: new Uint8Array() }, T0), 'unsigned');
    assert.equal(st.offer(policySigner(otherKey)({ type: 'qos-policy', origin: n('/damc/evil'), version: 99n, expires: T0 + 1e6, entries: [] }), T0), 'unknown-origin');
    assert.equal(st.offer(policy(9n), T0), 'stale');
    assert.equal(st.offer(policy(10n), T0), 'duplicate');
    assert.equal(st.offer(policy(14n, T0 - 1), T0), 'expired');
    assert.deepEqual(st.lookup(n('/B/x'), T0)?.instances.map((i) => i.weight), [100, 0], 'the good policy is still the one held');
    assert.deepEqual(
      { ...st.counters },
      { policyRx: 8, policyInstalled: 1, policyDuplicate: 1, policyDropStale: 1, policyDropExpired: 1, policyDropUnsigned: 1, policyDropBadSignature: 2, policyDropUnknownOrigin: 1, policyExpired: 0 },
    );
  });

  it('keeps a policy until its expiry, then falls back to the FIB; a replay of an older one stays refused', () => {
    const st = new PolicyStore(verify);
    st.offer(policy(10n, T0 + 15_000), T0);
    assert.ok(st.lookup(n('/B'), T0 + 14_999));
    assert.equal(st.lookup(n('/B'), T0 + 15_000), undefined, 'expired: lookups ignore it even before a sweep');
    assert.deepEqual(st.sweep(T0 + 15_000), [scsc]);
    assert.equal(st.counters.policyExpired, 1);
    assert.equal(st.offer(policy(9n, T0 + 60_000), T0 + 16_000), 'stale', 'replayed old policy');
    assert.equal(st.offer(policy(11n, T0 + 60_000), T0 + 16_000), 'installed', 'a newer one (a restarted SCSC) is taken');
  });

  it('a newer policy replaces the origin\'s previous one whole: an empty one clears it', () => {
    const st = new PolicyStore(verify);
    st.offer(policy(10n), T0);
    st.offer(policy(11n, T0 + 15_000, []), T0 + 1);
    assert.equal(st.lookup(n('/B'), T0 + 2), undefined);
    assert.equal(st.list(T0 + 2).length, 1);
  });
});
