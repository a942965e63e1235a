/**
 * LSA aging across the network (RemainingLifetime), and the answers to older copies after a
 * flush or an expiry: what PROTOCOL.md's "LSA aging" and "Answering an older copy" promise.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { MemorySeqStore, RouterCore, TrustMapCrypto, type UnsignedLsa } from '../../src/routing/index.js';
import { decode, encode, Name, rawPublicKey, signLsa, type Lsa, type Message } from '../../src/wire/index.js';
import { rname, TestNet, TIMERS } from './net.js';

describe('routing: LSA aging and answers to older copies', function () {
  this.timeout(30_000);

  it('a router that learns an LSA by database exchange keeps its remaining lifetime, not a fresh one', () => {
    // o - a - c; c is cut off until o has crashed and its LSAs have aged 40 s at a.
    const net = new TestNet(['o', 'a', 'c'], [{ a: 'o', b: 'a' }, { a: 'a', b: 'c' }], { o: ['/O'] }, { delayMs: 2 });
    net.link('a', 'c').setUp(false);
    net.start();
    net.sched.advance(2_000);
    net.crash('o');
    net.sched.advance(40_000);
    const key = Name.parse(rname('o'));
    const atA = net.host('a').core.lsdb.get('prefix', key);
    assert.ok(atA, 'a still holds o\'s prefix LSA');
    assert.equal(net.host('c').core.lsdb.get('prefix', key), undefined, 'c never heard of o');
    net.link('a', 'c').setUp(true);
    net.sched.advance(1_000);
    const atC = net.host('c').core.lsdb.get('prefix', key);
    assert.ok(atC, 'c learned o\'s prefix LSA from a');
    assert.ok(Math.abs(atC.expiresAt - atA.expiresAt) <= 1_000, `c expires it with a (${atC.expiresAt - atA.expiresAt} ms apart), not ${TIMERS.lsaLifetimeS} s after it learned it`);
    net.sched.advance(atA.expiresAt - net.sched.now() + 1_500);
    assert.equal(net.host('c').core.lsdb.get('prefix', key), undefined, 'gone at c when it is gone at a');
    assert.equal(net.host('c').core.fib().lpm(Name.parse('/O/x')), undefined);
  });

  describe('one router and a replaying neighbor', () => {
    const me = Name.parse('/damc/router/r1');
    const peer = Name.parse('/damc/router/r2');
    const kMe = generateKeyPairSync('ed25519').privateKey;
    const kPeer = generateKeyPairSync('ed25519').privateKey;
    const trust = { [me.key]: rawPublicKey(kMe), [peer.key]: rawPublicKey(kPeer) };
    const lsa = (seq: bigint, lifetimeS = 60): Lsa => signLsa({ kind: 'prefix', origin: peer, seq, lifetimeS, prefixes: lifetimeS ? [{ prefix: Name.parse('/B'), cost: 0 }] : [] } as UnsignedLsa, kPeer);

    function router() {
      let now = 1_800_000_000_000;
      const sent: { iface: string; msg: Message }[] = [];
      const core = new RouterCore({
        name: me, clock: { now: () => now }, interfaces: [{ name: 'eth1', cost: 1 }], timers: TIMERS,
        crypto: new TrustMapCrypto(kMe, trust), seqStore: new MemorySeqStore(),
        send: (iface, msg) => (sent.push({ iface, msg }), true),
      });
      core.start();
      const hello = () => core.receive('eth1', { type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [me] });
      hello();
      const answers = () => sent.flatMap((s) => (s.msg.type === 'lsa' && s.msg.lsa.origin.equals(peer) ? [{ seq: s.msg.lsa.seq, lifetimeS: s.msg.lsa.lifetimeS, remainingS: s.msg.remainingS }] : []));
      return { core, sent, answers, hello, advance: (ms: number) => { now += ms; core.tick(); } };
    }

    it('answers an older copy after a flush with the flush, so the neighbor learns it', () => {
      const { core, sent, answers } = router();
      core.receive('eth1', { type: 'lsa', lsa: lsa(5n) });
      core.receive('eth1', { type: 'lsa', lsa: lsa(6n, 0) }); // the origin flushed it
      assert.equal(core.lsdb.get('prefix', peer), undefined);
      sent.length = 0;
      core.receive('eth1', { type: 'lsa', lsa: lsa(5n) }); // a neighbor that missed the flush
      assert.equal(core.counters.lsaDropOlder, 1);
      assert.equal(core.counters.lsaAnsweredOlder, 1);
      assert.deepEqual(answers(), [{ seq: 6n, lifetimeS: 0, remainingS: undefined }]);
      assert.equal(core.lsdb.get('prefix', peer), undefined, 'the old copy is not installed');
    });

    it('answers a copy of an LSA that expired here with the expired copy, remaining lifetime 0', () => {
      const { core, sent, answers, advance, hello } = router();
      core.receive('eth1', { type: 'lsa', lsa: lsa(7n), remainingS: 10 });
      assert.equal(core.lsdb.get('prefix', peer)?.expiresAt, 1_800_000_000_000 + 10_000, 'kept for what the sender had left');
      advance(10_000);
      assert.equal(core.lsdb.get('prefix', peer), undefined, 'expired');
      hello(); // the neighbor is back (it went silent for the 10 s)
      sent.length = 0;
      core.receive('eth1', { type: 'lsa', lsa: lsa(7n) }); // same copy, still alive somewhere
      assert.deepEqual(answers(), [{ seq: 7n, lifetimeS: 60, remainingS: 0 }]);
      // And the neighbor's side of it: a remaining-0 copy of what it holds flushes it there.
      const other = router();
      other.core.receive('eth1', { type: 'lsa', lsa: lsa(7n) });
      other.core.receive('eth1', { type: 'lsa', lsa: lsa(7n), remainingS: 0 });
      assert.equal(other.core.lsdb.get('prefix', peer), undefined, 'at equal sequence numbers the flushed copy wins');
    });

    it('skips verifying a byte-identical copy of what it holds, and still checks one that differs', () => {
      const { core } = router();
      const bytes = encode({ type: 'lsa', lsa: lsa(8n) });
      const copy = () => { const m = decode(bytes); assert.ok(m.type === 'lsa'); return m.lsa; };
      core.receive('eth1', { type: 'lsa', lsa: copy() });
      core.receive('eth1', { type: 'lsa', lsa: copy() });
      assert.deepEqual([core.counters.lsaNew, core.counters.lsaSameBytes, core.counters.lsaDuplicate], [1, 1, 1]);
      const forged = copy();
      const sig = new Uint8Array(forged.signature);
      sig[0]! ^= 1;
      core.receive('eth1', { type: 'lsa', lsa: { ...forged, signature: sig } });
      assert.deepEqual([core.counters.lsaSameBytes, core.counters.lsaDropBadSignature], [1, 1], 'same seq, other bytes: verified, and refused');
    });
  });
});
