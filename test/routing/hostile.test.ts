/**
 * Hostile input on the links of a converged network: 200,000 random, mutated and cut frames,
 * then every Hello and LSA captured on a router link replayed onto it, change no FIB and crash
 * nothing; routing messages on a link whose peer is not a router are counted, never processed.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { MemoryLink } from '../../src/face/memory-link.js';
import { RouterHost } from '../../src/node/router-host.js';
import { MemorySeqStore, TrustMapCrypto, VirtualScheduler } from '../../src/routing/index.js';
import { decode, encode, Name, rawPublicKey, signLsa, type Message } from '../../src/wire/index.js';
import { mutate, MUTATIONS, Rng } from '../wire/mutator.js';
import { rname, TestNet, TIMERS, type LinkSpec } from './net.js';

const NODES = ['sg1', 'sg2', 'sg3', 'sg4', 'sr1', 'sr2', 'sr3'];
const LINKS: LinkSpec[] = [
  { a: 'sg1', b: 'sr1' }, { a: 'sg2', b: 'sr2' }, { a: 'sr1', b: 'sr2', costAB: 2, costBA: 3 },
  { a: 'sr1', b: 'sr3' }, { a: 'sr2', b: 'sr3' }, { a: 'sg3', b: 'sr3' }, { a: 'sg4', b: 'sr3' },
  { a: 'sg1', b: 'sg2', costAB: 3 }, { a: 'sg3', b: 'sg4' },
];
const PREFIXES = { sg1: ['/A', '/A/1'], sg2: ['/C'], sg3: ['/D'], sg4: ['/A', '/B'] };

const snapshot = (net: TestNet) => JSON.stringify([...net.fibs()].map(([n, m]) => [n, [...m].sort()]));
const kindOf = (b: Uint8Array): string => { try { return decode(b).type; } catch { return 'bad'; } };

describe('routing: hostile input on the links', function () {
  this.timeout(120_000);

  it('200,000 random, mutated and cut frames, then replayed Hellos and LSAs, change no FIB and crash nothing', () => {
    const net = new TestNet(NODES, LINKS, PREFIXES, { delayMs: 1 });
    const link = net.link('sg1', 'sr1');
    // Capture everything sr1 sends to sg1, from the first frame (a tcpdump on the link).
    const captured: Uint8Array[] = [];
    const end = link.b;
    const send = end.send.bind(end);
    end.send = (p: Uint8Array) => (captured.push(p.slice()), send(p));
    net.start();
    assert.ok(net.converge(10_000) >= 0, net.diff());
    net.sched.advance(TIMERS.lsaRefreshS * 1000 + 2_000); // a refresh round, so old LSA copies are in the capture
    assert.ok(net.converged(), net.diff());
    end.send = send;
    const before = snapshot(net);
    const sg1 = net.host('sg1').core;
    const kinds = new Map<string, number>();
    for (const c of captured) kinds.set(kindOf(c), (kinds.get(kindOf(c)) ?? 0) + 1);
    assert.ok((kinds.get('hello') ?? 0) > 50 && (kinds.get('lsa') ?? 0) > 10, `captured ${JSON.stringify([...kinds])}`);
    const lsaRxBefore = sg1.counters.lsaNew;

    // 200,000 hostile frames from sr1's end of the link, interleaved with the real traffic.
    const rng = new Rng(2026);
    const corpus = captured.filter((c) => kindOf(c) !== 'bad');
    for (let i = 0; i < 200_000; i++) {
      let f: Uint8Array;
      if (i % 4 === 0) {
        f = new Uint8Array(1 + rng.below(200));
        for (let k = 0; k < f.length; k++) f[k] = rng.below(256);
        f[0] = 1; // our version, so the decoder has to look further
      } else f = mutate(rng, corpus, MUTATIONS[i % MUTATIONS.length]!);
      end.send(f);
      if (i % 500 === 499) net.sched.advance(1);
    }
    net.sched.advance(1_000);
    assert.equal(snapshot(net), before, 'FIBs unchanged by random frames');
    assert.ok(sg1.counters.decodeErrors > 50_000, `decode errors counted: ${sg1.counters.decodeErrors}`);

    // Every captured Hello and LSA again, in order, then all of them at once.
    for (const c of captured) {
      if (!['hello', 'lsa'].includes(kindOf(c))) continue;
      end.send(c);
      net.sched.advance(1);
    }
    for (const c of captured) end.send(c);
    net.sched.advance(1_000);
    assert.equal(snapshot(net), before, 'FIBs unchanged by replays');
    assert.ok(net.converged(), net.diff());
    assert.ok(sg1.counters.lsaDropOlder > 0, 'old LSAs were refused');
    assert.equal(sg1.counters.lsaNew - lsaRxBefore, 0, 'no replayed LSA was taken as new');
    assert.ok(net.events.filter((e) => e.node === 'sg1' && e.e.type === 'adjacency' && !e.e.up).length === 0, 'no adjacency went down');
  });

  it('never hands routing messages from a link whose peer is not a router to the core', () => {
    const sched = new VirtualScheduler();
    const kR = generateKeyPairSync('ed25519').privateKey;
    const kP = generateKeyPairSync('ed25519').privateKey;
    const r = Name.parse(rname('sg1')), peer = Name.parse(rname('sr1'));
    const trust = { [r.key]: rawPublicKey(kR), [peer.key]: rawPublicKey(kP) };
    const edge = new MemoryLink({ ifname: 'eth9' }, { ifname: 'eth1' }, { scheduler: sched, delayMs: 1 });
    const host = new RouterHost({
      name: r, scheduler: sched, faces: [], edgeFaces: [edge.a], costs: {}, timers: TIMERS,
      crypto: new TrustMapCrypto(kR, trust), seqStore: new MemorySeqStore(),
    });
    host.start();
    const pod = edge.b;
    const frames: Message[] = [
      { type: 'hello', router: peer, iface: 'eth1', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [r] },
      { type: 'lsa', lsa: signLsa({ kind: 'prefix', origin: peer, seq: 5n, lifetimeS: 60, prefixes: [{ prefix: Name.parse('/X'), cost: 0 }] }, kP) },
      { type: 'db-summary', headers: [{ kind: 'prefix', origin: peer, seq: 9n }], last: true },
      { type: 'lsa-request', wanted: [{ kind: 'adjacency', origin: r }] },
      { type: 'lsa-ack', acks: [] },
    ];
    for (let i = 0; i < 10; i++) for (const m of frames) pod.send(encode(m));
    sched.advance(1_000);
    const c = host.core.counters;
    assert.equal(c.routingOffFabric, 50);
    assert.deepEqual([c.helloRx, c.lsaRx, c.summaryRx, c.requestRx, c.ackRx], [0, 0, 0, 0, 0], 'none reached the protocol');
    assert.equal(host.core.neighbors().length, 0);
    assert.equal(host.core.lsdb.get('prefix', peer), undefined);
    assert.equal(edge.b.counters().rxFrames, 0, 'nothing was answered on the pod link');
    host.stop();
  });
});
