import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Lsdb, MemorySeqStore, RouterCore, TrustMapCrypto, type PrefixFilter, type UnsignedLsa } from '../../src/routing/index.js';
import { Name, rawPublicKey, signLsa, type Lsa, type Message } from '../../src/wire/index.js';
import { TIMERS } from './net.js';

const me = Name.parse('/damc/router/r1');
const peer = Name.parse('/damc/router/r2');
const stranger = Name.parse('/damc/router/evil');
const kMe = generateKeyPairSync('ed25519').privateKey;
const kPeer = generateKeyPairSync('ed25519').privateKey;
const kStranger = generateKeyPairSync('ed25519').privateKey;
const trust = { [me.key]: rawPublicKey(kMe), [peer.key]: rawPublicKey(kPeer) };

function prefixLsa(origin: Name, seq: bigint, prefixes: string[], lifetimeS = 60): UnsignedLsa {
  return { kind: 'prefix', origin, seq, lifetimeS, prefixes: prefixes.map((p) => ({ prefix: Name.parse(p), cost: 0 })) };
}

function router(store = new MemorySeqStore(), start = 1_800_000_000_000, prefixFilter?: PrefixFilter) {
  let now = start;
  const sent: { iface: string; msg: Message }[] = [];
  const core = new RouterCore({
    name: me, clock: { now: () => now }, interfaces: [{ name: 'eth1', cost: 1 }], timers: TIMERS,
    crypto: new TrustMapCrypto(kMe, trust), seqStore: store, prefixFilter,
    send: (iface, msg) => (sent.push({ iface, msg }), true),
  });
  core.start();
  return { core, sent, advance: (ms: number) => { now += ms; core.tick(); } };
}

const lsaOf = (u: UnsignedLsa, key = kPeer): Lsa => signLsa(u, key);
const got = (core: RouterCore, origin = peer) => core.lsdb.get('prefix', origin)?.lsa.seq;

describe('routing: LSA acceptance rules', () => {
  it('installs a newer sequence number, acks a duplicate, drops and answers an older one (replay)', () => {
    const { core, sent, advance } = router();
    const v5 = lsaOf(prefixLsa(peer, 5n, ['/B']));
    const v7 = lsaOf(prefixLsa(peer, 7n, ['/B', '/C']));
    core.receive('eth1', { type: 'lsa', lsa: v5 });
    core.receive('eth1', { type: 'lsa', lsa: v7 });
    assert.equal(got(core), 7n);
    sent.length = 0;
    core.receive('eth1', { type: 'lsa', lsa: v7 });
    assert.equal(core.counters.lsaDuplicate, 1);
    advance(TIMERS.ackDelayMs); // acks wait a moment to share a frame
    const acks = sent.filter((s) => s.msg.type === 'lsa-ack').flatMap((s) => (s.msg.type === 'lsa-ack' ? s.msg.acks : []));
    assert.deepEqual(acks.map((h) => h.seq), [5n, 7n, 7n], 'one ack per copy received, in one frame');
    assert.equal(sent.filter((s) => s.msg.type === 'lsa-ack').length, 1);
    core.receive('eth1', { type: 'lsa', lsa: v5 }); // a replay of a validly signed old copy
    assert.equal(got(core), 7n);
    assert.equal(core.counters.lsaDropOlder, 1);
  });

  it('drops unsigned, badly signed and unknown-origin LSAs and counts each', () => {
    const { core } = router();
    const good = lsaOf(prefixLsa(peer, 9n, ['/B']));
    core.receive('eth1', { type: 'lsa', lsa: { ...good, signature: new Uint8Array() } });
    const bad = new Uint8Array(good.signature);
    bad[3]! ^= 1;
    core.receive('eth1', { type: 'lsa', lsa: { ...good, signature: bad } });
    core.receive('eth1', { type: 'lsa', lsa: lsaOf(prefixLsa(peer, 10n, ['/X']), kStranger) }); // peer's name, wrong key
    core.receive('eth1', { type: 'lsa', lsa: lsaOf(prefixLsa(stranger, 1n, ['/X']), kStranger) });
    const c = core.counters;
    assert.deepEqual([c.lsaDropUnsigned, c.lsaDropBadSignature, c.lsaDropUnknownOrigin, core.lsdb.size], [1, 2, 1, 1]);
    assert.equal(got(core), undefined);
  });

  it('refuses a replayed copy after the LSA expired, and expires an LSA whose origin went silent', () => {
    const db = new Lsdb();
    const l = lsaOf(prefixLsa(peer, 3n, ['/B'], 10));
    assert.equal(db.install(l, 0).kind, 'new');
    assert.deepEqual(db.expire(9_999), []);
    assert.equal(db.expire(10_000).length, 1);
    assert.equal(db.install(l, 10_001).kind, 'older');
    assert.equal(db.install(lsaOf(prefixLsa(peer, 4n, ['/B'], 10)), 10_002).kind, 'new');
  });

  it('flushes on lifetime 0 and keeps refusing older copies', () => {
    const db = new Lsdb();
    db.install(lsaOf(prefixLsa(peer, 3n, ['/B'])), 0);
    assert.equal(db.install(lsaOf(prefixLsa(peer, 4n, [], 0)), 1).kind, 'flushed');
    assert.equal(db.get('prefix', peer), undefined);
    assert.equal(db.install(lsaOf(prefixLsa(peer, 3n, ['/B'])), 2).kind, 'older');
  });

  it('jumps above its own LSA from a past life that carries a higher sequence number', () => {
    // Restarted with no state and a clock 1 h behind the old LSAs.
    const { core, sent } = router(new MemorySeqStore(), 1_800_000_000_000 - 3_600_000);
    const old = lsaOf(prefixLsa(me, 1_800_000_000_000n, ['/OLD']), kMe);
    sent.length = 0;
    core.receive('eth1', { type: 'lsa', lsa: old });
    assert.equal(core.counters.lsaOwnNewerSeen, 1);
    assert.ok(core.lsdb.highestSeq('prefix', me)! > old.seq, 'its new copy beats the old one');
    assert.equal(core.lsdb.get('prefix', me), undefined, 'it has no prefixes, so the new copy is a flush');
    const adj = core.lsdb.get('adjacency', me)!.lsa;
    assert.ok(adj.seq < old.seq, 'the adjacency LSA was not involved');
  });

  it('persists sequence numbers so a restart never reuses one, even with the clock stepped back', () => {
    const store = new MemorySeqStore();
    const a = router(store, 1_800_000_000_000);
    const first = a.core.lsdb.get('adjacency', me)!.lsa.seq;
    assert.equal(store.value, first);
    // The restarted router's clock is 3 years behind: only the store can keep it ahead.
    const b = router(store, 1_700_000_000_000);
    assert.equal(b.core.lsdb.get('adjacency', me)!.lsa.seq, first + 1n);
  });

  it('refreshes its own LSAs with new sequence numbers before they expire', () => {
    const { core, advance } = router();
    const s0 = core.lsdb.get('adjacency', me)!.lsa.seq;
    for (let i = 0; i < 25; i++) advance(1_000);
    const s1 = core.lsdb.get('adjacency', me)!.lsa.seq;
    assert.ok(s1 > s0);
    assert.ok(core.counters.lsaOriginated >= 2);
  });
});

/** Two-way with r2 over eth1, then r2's adjacency LSA and a prefix LSA for /B and /C. */
function learnPeer(core: RouterCore): void {
  core.receive('eth1', { type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [me] });
  core.receive('eth1', { type: 'lsa', lsa: lsaOf({ kind: 'adjacency', origin: peer, seq: 1n, lifetimeS: 60, neighbors: [{ neighbor: me, cost: 1 }] }) });
  core.receive('eth1', { type: 'lsa', lsa: lsaOf(prefixLsa(peer, 2n, ['/B', '/C'])) });
  core.flushSpf();
}

describe('routing: a router that was itself late', () => {
  it('does not blame its neighbor for the silence its own stalled event loop caused', () => {
    for (const [lateMs, down] of [[TIMERS.deadIntervalMs, false], [0, true]] as const) {
      let now = 1_800_000_000_000;
      const core = new RouterCore({
        name: me, clock: { now: () => now }, interfaces: [{ name: 'eth1', cost: 1 }], timers: TIMERS,
        crypto: new TrustMapCrypto(kMe, trust), seqStore: new MemorySeqStore(), send: () => true,
      });
      core.start();
      core.receive('eth1', { type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [me] });
      now += TIMERS.deadIntervalMs + 50; // we slept through the neighbor's Hellos
      core.tick(true, lateMs);
      assert.equal(core.neighbors().length === 0, down, `late by ${lateMs} ms`);
    }
  });
});

describe('routing: startup hold', () => {
  const peer2 = Name.parse('/damc/router/r3');
  const kPeer2 = generateKeyPairSync('ed25519').privateKey;
  function holding() {
    let now = 1_800_000_000_000;
    const sent: Message[] = [];
    const core = new RouterCore({
      name: me, clock: { now: () => now }, interfaces: [{ name: 'eth1', cost: 1 }, { name: 'eth2', cost: 1 }], timers: { ...TIMERS, lsaStartupHoldMs: 1_000 },
      crypto: new TrustMapCrypto(kMe, { ...trust, [peer2.key]: rawPublicKey(kPeer2) }), seqStore: new MemorySeqStore(), prefixes: [Name.parse('/P')], send: (_i, m) => (sent.push(m), true),
    });
    core.start();
    const hello = (iface: string, from: Name) => core.receive(iface, { type: 'hello', router: from, iface, helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [me] });
    // Each LSA once (it is flooded on every adjacency).
    const own = () => [...new Set(sent.flatMap((m) => (m.type === 'lsa' && m.lsa.origin.equals(me) ? [m.lsa] : [])))]
      .map((l) => [l.kind, l.kind === 'adjacency' ? l.neighbors.map((n) => n.neighbor.toString()) : l.prefixes.length]);
    return { core, hello, own, t0: now, advance: (ms: number) => { now += ms; core.tick(); } };
  }

  it('holds its own LSAs while an interface with carrier has no neighbor yet, at most lsaStartupHoldMs', () => {
    const { core, hello, own, t0, advance } = holding();
    hello('eth1', peer);
    for (let t = 0; t < 900; t += 100) (advance(100), hello('eth1', peer));
    assert.equal(core.counters.lsaOriginated, 0, 'nothing originated during the hold (eth2 is silent)');
    assert.ok(core.nextWakeup() <= t0 + 1_000);
    advance(100);
    assert.deepEqual(own(), [['adjacency', [peer.toString()]], ['prefix', 1]], 'one adjacency LSA with the neighbor, one prefix LSA');
  });

  it('ends the hold as soon as every interface with carrier has its two-way neighbor: one version listing them all', () => {
    const { hello, own, advance } = holding();
    hello('eth1', peer);
    advance(100);
    assert.deepEqual(own(), [], 'eth2 has no neighbor yet');
    hello('eth2', peer2);
    advance(0);
    assert.deepEqual(own(), [['adjacency', [peer.toString(), peer2.toString()]], ['prefix', 1]]);
  });
});

describe('routing: prefix filter', () => {
  it('routes only the entries of a prefix LSA that the filter keeps, and all of them without one', () => {
    const routed = (core: RouterCore) => core.rib().map((e) => e.prefix.toString()).filter((p) => !p.startsWith('/damc/')).sort();
    const plain = router();
    learnPeer(plain.core);
    assert.deepEqual(routed(plain.core), ['/B', '/C']);
    const seen: string[] = [];
    const filtered = router(undefined, undefined, (lsa) => {
      seen.push(lsa.origin.toString());
      return lsa.prefixes.filter((e) => e.prefix.toString() !== '/C');
    });
    learnPeer(filtered.core);
    assert.deepEqual(routed(filtered.core), ['/B']);
    assert.ok(seen.includes(peer.toString()), 'the filter saw the peer\'s prefix LSA');
    const kept = filtered.core.lsdb.get('prefix', peer)?.lsa;
    assert.equal(kept?.kind === 'prefix' ? kept.prefixes.length : 0, 2, 'the LSDB (and what is flooded on) keeps the LSA whole');
  });
});

describe('routing: forwarding decisions', () => {
  it('drops at hop limit and for no route, with a nack back toward a reachable requester', () => {
    const { core, sent } = router();
    // Learn r2 over eth1: two-way hello, then r2's adjacency and prefix LSAs.
    core.receive('eth1', { type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [me] });
    core.receive('eth1', { type: 'lsa', lsa: lsaOf({ kind: 'adjacency', origin: peer, seq: 1n, lifetimeS: 60, neighbors: [{ neighbor: me, cost: 1 }] }) });
    core.receive('eth1', { type: 'lsa', lsa: lsaOf(prefixLsa(peer, 2n, ['/B'])) });
    core.flushSpf();
    const req = (name: string, hopLimit: number) => ({
      type: 'request' as const, name: Name.parse(name), requester: peer, requestId: 7n, hopLimit, segIndex: 0, segCount: 1, payload: new Uint8Array([1]),
    });
    sent.length = 0;
    core.receive('eth1', req('/B/echo', 1));
    core.receive('eth1', req('/Z/echo', 8));
    core.originateData(req('/B/echo', 5));
    const c = core.counters;
    assert.deepEqual([c.dataDropHopLimit, c.dataDropNoRoute, c.nackTx, c.dataForwarded], [1, 1, 2, 3]);
    const data = sent.filter((s) => s.msg.type !== 'hello' && s.msg.type !== 'lsa-ack' && s.msg.type !== 'lsa');
    assert.deepEqual(data.map((s) => [s.iface, s.msg.type, 'reason' in s.msg ? s.msg.reason : '', 'hopLimit' in s.msg ? s.msg.hopLimit : -1]),
      [['eth1', 'nack', 'hop-limit', 32], ['eth1', 'nack', 'no-route', 32], ['eth1', 'request', '', 5]]);
  });
});
