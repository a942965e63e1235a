import assert from 'node:assert/strict';
import { decide, NameTrie, type RibEntry } from '../../src/routing/index.js';
import { PolicySteering, PolicyStore, policySigner, trustMapPolicyVerifier } from '../../src/scheduling/index.js';
import { Name, rawPublicKey, type DataRequest, type PolicyEntry } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';

const n = (s: string) => Name.parse(s);
const r = (x: string) => n(`/damc/router/${x}`);
const key = keyFromSeed(3);
const sign = policySigner(key);
const T0 = 1_800_000_000_000;

/** sr1 of figure2: /B/4 two hops away over sr2 (eth3) or sr3 (eth4), /B/1 over sg1 (eth1), its own name local. */
function sr1Fib(): NameTrie<RibEntry> {
  const t = new NameTrie<RibEntry>();
  const e = (p: string, hops: [string, string][], local = false): RibEntry => ({
    prefix: n(p), local, cost: 2, origins: [], nexthops: hops.map(([iface, x]) => ({ iface, neighbor: r(x), cost: 2 })),
  });
  t.set(n('/B/4'), e('/B/4', [['eth3', 'sr2'], ['eth4', 'sr3']]));
  t.set(n('/B/1'), e('/B/1', [['eth1', 'sg1']]));
  t.set(r('sr1'), e('/damc/router/sr1', [], true));
  return t;
}

const req = (name: string, requestId: bigint): DataRequest => ({
  type: 'request', name: n(name), requester: r('sg1'), requestId, hopLimit: 8, segIndex: 0, segCount: 1, payload: new Uint8Array(),
});

function setup(links: string[] = ['sg1', 'sr2', 'sr3']) {
  let now = T0;
  const store = new PolicyStore(trustMapPolicyVerifier({ '/damc/scsc/scsc': rawPublicKey(key) }));
  const ifaceOf: Record<string, string> = { sg1: 'eth1', sr2: 'eth3', sr3: 'eth4' };
  const live = { links };
  const steering = new PolicySteering(store, () => live.links.map((x) => ({ iface: ifaceOf[x]!, neighbor: r(x) })), () => now);
  let version = 1n;
  const push = (entries: PolicyEntry[], lifetime = 10_000) =>
    store.offer(sign({ type: 'qos-policy', origin: n('/damc/scsc/scsc'), version: version++, expires: now + lifetime, entries }), now);
  return { store, steering, push, live, tick: (ms: number) => (now += ms) };
}

const path = (prefix: string, ...hops: [string, number][]): PolicyEntry => ({ prefix: n(prefix), instances: [], nexthops: hops.map(([h, weight]) => ({ name: r(h), weight })) });
const hopsOf = (t: NameTrie<RibEntry>, p: string) => t.lpm(n(p))!.value.nexthops.map((h) => h.iface);

describe('scheduling: forwarding by next-hop policies (steering)', () => {
  it('no next-hop entry: the FIB itself, not a copy', () => {
    const { steering, push } = setup();
    const fib = sr1Fib();
    assert.equal(steering.fib(fib), fib);
    push([{ prefix: n('/B'), instances: [{ name: n('/B/1'), weight: 100 }], nexthops: [] }]);
    assert.equal(steering.fib(fib), fib, 'a pool-weights entry does not touch forwarding');
  });

  it('a live policy hop replaces the shortest-path hops for its prefix only; every request to /B/4 takes sr3', () => {
    const { steering, push } = setup();
    const fib = sr1Fib();
    push([path('/B/4', ['sr3', 1])]);
    const t = steering.fib(fib);
    assert.notEqual(t, fib);
    assert.deepEqual(hopsOf(t, '/B/4/echo'), ['eth4']);
    assert.deepEqual(hopsOf(t, '/B/1'), ['eth1']);
    assert.deepEqual(hopsOf(fib, '/B/4'), ['eth3', 'eth4'], 'the FIB itself is untouched');
    for (let id = 0n; id < 200n; id++) {
      const d = decide(t, req('/B/4/echo', id), 'eth1');
      assert.ok(d.action === 'send' && d.nexthop.iface === 'eth4');
    }
    // Without the policy the same requests spread over both equal-cost hops.
    const plain = new Set<string>();
    for (let id = 0n; id < 200n; id++) { const d = decide(fib, req('/B/4/echo', id), 'eth1'); if (d.action === 'send') plain.add(d.nexthop.iface); }
    assert.deepEqual([...plain].sort(), ['eth3', 'eth4']);
    assert.deepEqual(steering.steered.map((s) => s.prefix.toString()), ['/B/4']);
  });

  it('falls back to shortest path when the policy\'s neighbor is not a live adjacency, the policy expired, or it is replaced', () => {
    const s = setup(['sg1', 'sr2']);
    const fib = sr1Fib();
    s.push([path('/B/4', ['sr3', 1])], 5000);
    assert.equal(s.steering.fib(fib), fib, 'sr3 is not two-way: FIB');
    s.live.links = ['sg1', 'sr2', 'sr3'];
    const fib2 = sr1Fib(); // the adjacency coming up runs SPF: a new FIB object
    assert.deepEqual(hopsOf(s.steering.fib(fib2), '/B/4'), ['eth4']);
    s.tick(5000);
    assert.equal(s.steering.fib(fib2), fib2, 'expired: FIB');
    s.push([path('/B/4', ['sr3', 1])]);
    assert.deepEqual(hopsOf(s.steering.fib(fib2), '/B/4'), ['eth4']);
    s.push([]);
    assert.equal(s.steering.fib(fib2), fib2, 'an empty policy clears it at once');
  });

  it('never steers what the router delivers itself nor a prefix the FIB cannot reach; weights spread requests', () => {
    const { steering, push } = setup();
    const fib = sr1Fib();
    push([path('/damc/router/sr1', ['sr3', 1]), path('/X/1', ['sr3', 1]), path('/B/4', ['sr2', 1], ['sr3', 3])]);
    const t = steering.fib(fib);
    assert.equal(t.lpm(r('sr1'))!.value.local, true);
    assert.equal(t.lpm(n('/X/1')), undefined);
    let toSr3 = 0;
    for (let id = 0n; id < 4000n; id++) { const d = decide(t, req('/B/4/echo', id), 'eth1'); if (d.action === 'send' && d.nexthop.iface === 'eth4') toSr3++; }
    assert.ok(Math.abs(toSr3 / 4000 - 0.75) < 0.04, `sr3 share ${toSr3 / 4000}`);
  });

  it('rebuilds only when the FIB, the held policies or an expiry change', () => {
    const { steering, push } = setup();
    const fib = sr1Fib();
    push([path('/B/4', ['sr3', 1])]);
    const t = steering.fib(fib);
    const before = steering.rebuilds;
    for (let i = 0; i < 1000; i++) assert.equal(steering.fib(fib), t);
    assert.equal(steering.rebuilds, before);
  });
});
