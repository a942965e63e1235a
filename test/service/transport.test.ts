/**
 * The segmented, reliable transport between two SG endpoints over an in-memory channel in
 * virtual time, with loss, delay jitter (so segments reorder) and a seeded random source.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { DataPacket } from '../../src/routing/forwarder.js';
import { VirtualScheduler } from '../../src/routing/virtual-time.js';
import { RttEstimator, Reassembly, acked, split, SegmentSender, Transport, TransportError, type TransportDeps } from '../../src/service/transport/index.js';
import { Name } from '../../src/wire/index.js';
import { decode, encode } from '../../src/wire/index.js';

const A = Name.parse('/damc/router/sg1');
const B = Name.parse('/damc/router/sg4');

class Pair {
  readonly sched = new VirtualScheduler();
  private seed: number;
  readonly random: () => number;
  readonly client: Transport;
  readonly server: Transport;
  sent = 0;
  lost = 0;
  served: Uint8Array[] = [];

  constructor(o: { loss?: number; delayMs?: number; jitterMs?: number; mtu?: number; seed?: number; serve?: TransportDeps['serve']; lossAtoB?: number } = {}) {
    this.seed = o.seed ?? 7;
    this.random = () => ((this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let nextId = 1n;
    const link = (to: () => Transport, loss: number) => (p: DataPacket) => {
      this.sent++;
      // Every packet crosses the real codec, as it would on a link.
      const bytes = encode(p);
      assert.ok(bytes.length <= (o.mtu ?? 9000), `frame of ${bytes.length} bytes over the MTU`);
      if (this.random() < loss) { this.lost++; return; }
      const delay = (o.delayMs ?? 1) + this.random() * (o.jitterMs ?? 0);
      this.sched.after(delay, () => to().receive(decode(bytes) as DataPacket));
    };
    const loss = o.loss ?? 0;
    this.client = new Transport({ self: A, scheduler: this.sched, mtu: o.mtu ?? 9000, newRequestId: () => nextId++, send: link(() => this.server, o.lossAtoB ?? loss) });
    this.server = new Transport({
      self: B, scheduler: this.sched, mtu: o.mtu ?? 9000, newRequestId: () => 0n, send: link(() => this.client, loss),
      serve: o.serve ?? ((r) => { this.served.push(r.body); r.reply(200, r.body); }),
    });
  }

  /** Runs virtual time until the promise settles. */
  async run<T>(p: Promise<T>, limitMs = 120_000): Promise<T> {
    let settled = false;
    const q = p.finally(() => { settled = true; });
    q.catch(() => {});
    for (let t = 0; t < limitMs && !settled; t += 5) {
      this.sched.advance(5);
      await Promise.resolve();
      await Promise.resolve();
    }
    return q;
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const body = (n: number, seed = 1) => {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
};

describe('service transport: segmentation and reliability (virtual time)', () => {
  it('RTT estimator follows RFC 6298: first sample, smoothing, backoff within bounds', () => {
    const r = new RttEstimator({ initialRtoMs: 200, minRtoMs: 20, maxRtoMs: 1000, alpha: 1 / 8, beta: 1 / 4, k: 4 });
    assert.equal(r.rto, 200);
    r.push(10); // srtt 10, rttvar 5 -> 30
    assert.equal(r.rto, 30);
    r.push(10); // rttvar 3.75 -> 25
    assert.equal(r.rto, 25);
    for (let i = 0; i < 10; i++) r.backoff();
    assert.equal(r.rto, 1000);
    for (let i = 0; i < 100; i++) r.push(1);
    assert.equal(r.rto, 20);
  });

  it('split and reassembly: sizes, acks with holes, any order', () => {
    const b = body(1000);
    const segs = split(b, 300);
    assert.deepEqual(segs.map((s) => s.length), [300, 300, 300, 100]);
    assert.equal(split(new Uint8Array(), 300).length, 1);
    const r = new Reassembly(4, 1 << 20);
    assert.equal(r.push(2, segs[2]!), 'new');
    assert.equal(r.push(0, segs[0]!), 'new');
    assert.equal(r.push(0, segs[0]!), 'duplicate');
    const a = r.ack();
    assert.equal(a.below, 1);
    assert.ok(acked(a, 0) && !acked(a, 1) && acked(a, 2) && !acked(a, 3));
    r.push(3, segs[3]!);
    r.push(1, segs[1]!);
    assert.ok(r.complete);
    assert.equal(sha(r.body()), sha(b));
    assert.equal(new Reassembly(2, 10).push(0, new Uint8Array(11)), 'too-large');
  });

  it('a segment overtaken by three later ones is sent again at once, not an RTO later', () => {
    const sched = new VirtualScheduler();
    const sent: [number, boolean][] = [];
    const s = new SegmentSender(10, sched, new RttEstimator(), { transmit: (i, retx) => sent.push([i, retx]), done: () => {}, failed: () => {} },
      { initialWindow: 8, maxWindow: 8, retxLimit: 3 });
    s.start();
    assert.deepEqual(sent.map(([i]) => i), [0, 1, 2, 3, 4, 5, 6, 7]);
    sched.advance(1);
    s.onAck({ below: 0, bits: Uint8Array.of(0b011) }); // 1 and 2 held: 0 overtaken by two
    assert.ok(!sent.some(([, r]) => r));
    s.onAck({ below: 0, bits: Uint8Array.of(0b111) }); // 3 held too: 0 is lost
    assert.deepEqual(sent.filter(([, r]) => r), [[0, true]]);
    assert.equal(s.retransmissions, 1);
  });

  it('a small request and its answer, no loss: one segment each way plus acks', async () => {
    const n = new Pair();
    const r = await n.run(n.client.request(Name.parse('/B/4'), Buffer.from('hello'), 5000));
    assert.equal(r.status, 200);
    assert.equal(Buffer.from(r.body).toString(), 'hello');
    assert.ok(r.responder?.equals(B));
    assert.equal(n.sent, 3); // request, response (which acks the request), its ack
    assert.equal(n.client.stats.retransmissions + n.server.stats.retransmissions, 0);
  });

  it('8 MiB both ways at 5% loss with reordering: intact (hash), retransmissions counted', async () => {
    const n = new Pair({ loss: 0.05, delayMs: 1, jitterMs: 3, mtu: 9000, seed: 11 });
    const b = body(8 * 1024 * 1024, 3);
    const r = await n.run(n.client.request(Name.parse('/B'), b, 60_000));
    assert.equal(sha(r.body), sha(b));
    assert.equal(sha(n.served[0]!), sha(b));
    assert.ok(n.lost > 50, `lost ${n.lost}`);
    assert.ok(n.client.stats.retransmissions > 0 && n.server.stats.retransmissions > 0);
    assert.deepEqual(n.client.active, { clients: 0, servers: 0 });
    n.sched.advance(1000);
    assert.deepEqual(n.server.active, { clients: 0, servers: 0 });
  });

  it('200 sequential small exchanges at 5% loss all succeed, each served once', async () => {
    const n = new Pair({ loss: 0.05, delayMs: 1, seed: 5 });
    for (let i = 0; i < 200; i++) {
      const r = await n.run(n.client.request(Name.parse('/B'), Buffer.from(`call ${i}`), 10_000));
      assert.equal(Buffer.from(r.body).toString(), `call ${i}`);
    }
    assert.equal(n.served.length, 200);
    assert.ok(n.lost > 10, `lost ${n.lost}`);
  });

  it('concurrent exchanges do not mix', async () => {
    const n = new Pair({ loss: 0.02, jitterMs: 2 });
    const all = Promise.all(Array.from({ length: 20 }, (_x, i) => n.client.request(Name.parse('/B'), body(20_000 + i, i), 20_000)));
    const rs = await n.run(all);
    rs.forEach((r, i) => assert.equal(sha(r.body), sha(body(20_000 + i, i))));
  });

  it('a segment never acked fails the request naming the segment; no answer is a timeout', async () => {
    const n = new Pair({ lossAtoB: 1 });
    await assert.rejects(n.run(n.client.request(Name.parse('/B'), Buffer.from('x'), 600_000)),
      (e: unknown) => e instanceof TransportError && e.code === 'lost' && /segment 0 of 1 not acknowledged after 12 retransmissions/.test(e.message));
    const m = new Pair({ serve: () => {} }); // takes the request (acks it), never answers
    await assert.rejects(m.run(m.client.request(Name.parse('/B'), Buffer.from('x'), 2000)),
      (e: unknown) => e instanceof TransportError && e.code === 'timeout' && /within 2000 ms/.test(e.message));
  });

  it('a nack for our request fails it with the reason', async () => {
    const n = new Pair();
    const p = n.client.request(Name.parse('/Q'), Buffer.from('x'), 5000);
    n.client.receive({ type: 'nack', name: Name.parse('/Q'), requester: A, requestId: 1n, reason: 'no-route', hopLimit: 30, reporter: Name.parse('/damc/router/sr1') });
    await assert.rejects(n.run(p), (e: unknown) => e instanceof TransportError && e.code === 'no-route' && /no route to \/Q/.test(e.message));
    const q = n.client.request(Name.parse('/B/4'), Buffer.from('x'), 5000);
    n.client.receive({ type: 'nack', name: Name.parse('/B/4'), requester: A, requestId: 2n, reason: 'hop-limit', hopLimit: 30, reporter: Name.parse('/damc/router/sr1') });
    await assert.rejects(n.run(q), (e: unknown) => e instanceof TransportError && e.code === 'hop-limit' && /hop limit spent on the way to \/B\/4/.test(e.message));
  });
});
