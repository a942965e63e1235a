/** The data-packet scanner never vouches for a frame the full decoder would reject or read differently. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode, scanData, tryDecode, Name, type Message } from '../../src/wire/index.js';
import { MsgType } from '../../src/wire/types.js';
import { message } from './arbitraries.js';
import { MUTATIONS, mutate, Rng } from './mutator.js';

const n = (s: string): Name => Name.parse(s);
const req = encode({ type: 'request', name: n('/B/4/echo'), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit: 9, segIndex: 0, segCount: 1, payload: new Uint8Array(10) });
/** The transport's own packets: a response with its responder, acks both ways (with and without a bitmap). */
const transportPackets = [
  encode({ type: 'response', name: n('/B/4'), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit: 9, segIndex: 0, segCount: 3, status: 200, payload: new Uint8Array(40), responder: n('/damc/router/sg4') }),
  encode({ type: 'response', name: n('/B/4'), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit: 9, segIndex: 0, segCount: 1, status: 0, payload: new Uint8Array(), responder: n('/damc/router/sg4'), ack: { below: 300, bits: Uint8Array.from([5, 0x80]) } }),
  encode({ type: 'request', name: n('/damc/router/sg4'), requester: n('/damc/router/sg1'), requestId: 7n, hopLimit: 9, segIndex: 0, segCount: 1, payload: new Uint8Array(), ack: { below: 70_000, bits: new Uint8Array() } }),
];

/** What the scan says must be what decoding says: type, hop limit, routed name, message length. */
function agrees(b: Uint8Array): void {
  const s = scanData(b);
  if (!s) return;
  const r = tryDecode(b);
  assert.ok(r.ok, `scanned but the decoder rejects it: ${r.ok ? '' : r.error.message}`);
  const m = r.message as Extract<Message, { hopLimit: number }>;
  assert.equal(MsgType[m.type as 'request'], s.type);
  assert.equal(b[s.hopAt], m.hopLimit);
  const routed = m.type === 'request' ? m.name : m.requester;
  assert.ok(componentsAt(b, s.routedStart, s.routedEnd).equals(routed), 'routed name');
  const cut = tryDecode(b.subarray(0, s.end));
  assert.ok(cut.ok, 'the message ends at end');
  assert.deepEqual(cut.message, m);
}

/** The components in a value range, read independently of the scanner (any VAR-NUMBER form). */
function componentsAt(b: Uint8Array, p: number, end: number): Name {
  const comps: Uint8Array[] = [];
  const num = (): number => {
    const f = b[p++]!;
    if (f < 253) return f;
    const w = f === 253 ? 2 : 4;
    let v = 0;
    for (let i = 0; i < w; i++) v = v * 256 + b[p++]!;
    return v;
  };
  while (p < end) {
    num();
    const len = num();
    comps.push(b.slice(p, p + len));
    p += len;
  }
  return new Name(comps);
}

/** The value bytes of a name TLV as our encoder writes it. */
function nameValue(name: Name): Uint8Array {
  const out: number[] = [];
  for (const c of name.components) {
    out.push(0x14);
    if (c.length < 253) out.push(c.length);
    else out.push(253, c.length >> 8, c.length & 0xff);
    out.push(...c);
  }
  return Uint8Array.from(out);
}

describe('wire: data-packet scanner (forwarding without decoding)', () => {
  it('finds hop limit, routed name and end in requests, responses and nacks the encoder writes', () => {
    fc.assert(fc.property(message, (m) => {
      const b = encode(m);
      const s = scanData(b);
      if (m.type === 'request' || m.type === 'response' || m.type === 'nack') {
        // 8-byte integers other than the request id are left to the decoder (its 2^53 check).
        const wide = [m.type !== 'nack' ? m.segIndex : 0, m.type !== 'nack' ? m.segCount : 0, m.type === 'response' ? m.status : 0].some((v) => v > 0xffff_ffff);
        if (wide) return;
        assert.ok(s, `a ${m.type} our encoder wrote must be scanned`);
        assert.equal(b[s.hopAt], m.hopLimit);
        assert.deepEqual(b.subarray(s.routedStart, s.routedEnd), nameValue(m.type === 'request' ? m.name : m.requester));
        assert.equal(s.end, b.length);
      } else assert.equal(s, undefined, `${m.type} carries no hop limit`);
    }), { numRuns: 2000 });
  });

  it('agrees with the decoder on 200,000 random and mutated frames', () => {
    const rng = new Rng(0xda7a);
    const corpus = [...fc.sample(message.filter((m) => m.type === 'request' || m.type === 'response' || m.type === 'nack'), { numRuns: 200, seed: 42 }).map(encode), ...transportPackets];
    let scanned = 0;
    for (let i = 0; i < 200_000; i++) {
      const b = mutate(rng, corpus, MUTATIONS[i % MUTATIONS.length]!);
      if (scanData(b)) scanned++;
      agrees(b);
    }
    assert.ok(scanned > 1000, `only ${scanned} mutated frames were still well formed: the test would prove little`);
  });

  it('scans the transport\'s responses and acks (Responder, Ack) as the decoder reads them', () => {
    for (const b of transportPackets) {
      const s = scanData(b);
      assert.ok(s, 'scanned');
      assert.equal(s.end, b.length);
      agrees(b);
    }
    // An ack with a field other than AckBelow/AckBits, or without AckBelow, is the decoder's to judge.
    const ack = transportPackets[2]!;
    const at = ack.findIndex((v, i) => v === 0x67 && ack[i + 2] === 0x68); // Ack, its length, AckBelow
    assert.ok(at > 0, 'the ack starts with AckBelow here');
    const noBelow = Uint8Array.from(ack);
    noBelow[at + 2] = 0x69; // an unknown (critical) field in its place
    assert.equal(scanData(noBelow), undefined);
    assert.equal(tryDecode(noBelow).ok, false);
  });

  it('declines what the full decoder must judge: skippable extensions, duplicates, 8-byte integers, trailing bytes', () => {
    assert.ok(scanData(req));
    const withExt = Uint8Array.from([...req.subarray(0, 2), req[2]! + 2, ...req.subarray(3), 0x50, 0]); // unknown even field 0x50
    assert.ok(tryDecode(withExt).ok, 'the decoder skips it');
    assert.equal(scanData(withExt), undefined);
    const dupHop = Uint8Array.from([...req.subarray(0, 2), req[2]! + 3, ...req.subarray(3), 0x15, 1, 4]);
    assert.equal(tryDecode(dupHop).ok, false, 'the decoder rejects a second hop limit');
    assert.equal(scanData(dupHop), undefined);
    const wideSeg = encode({ type: 'request', name: n('/B'), requester: n('/r'), requestId: 1n, hopLimit: 9, segIndex: 2 ** 40, segCount: 2 ** 41, payload: new Uint8Array() });
    assert.ok(tryDecode(wideSeg).ok);
    assert.equal(scanData(wideSeg), undefined, '8-byte segment numbers go to the decoder');
    const padded = Uint8Array.from([...req, 0, 0, 0]);
    assert.ok(scanData(padded), 'Ethernet padding is fine');
    assert.equal(scanData(padded)!.end, req.length);
    assert.equal(scanData(Uint8Array.from([...req, 1])), undefined);
    assert.equal(scanData(Uint8Array.from([2, ...req.subarray(1)])), undefined, 'another protocol version');
  });
});
