/**
 * Byte-literal wire vectors, one per message, each line commented. Each vector is checked both
 * ways: the encoder produces exactly these bytes, and the decoder turns them into the message.
 */
import assert from 'node:assert/strict';
import { decode, encode, Name, type Message } from '../../src/wire/index.js';

const n = (s: string): Name => Name.parse(s);
const bytes = (...rows: number[][]): Uint8Array => Uint8Array.from(rows.flat());

const vectors: [string, Message, Uint8Array][] = [
  [
    'hello',
    { type: 'hello', router: n('/r1'), iface: 'e1', helloIntervalMs: 1000, deadIntervalMs: 70000, neighbors: [n('/r2'), n('/')] },
    bytes(
      [0x01], //                             version 1
      [0x01, 0x1c], //                       hello, 28 bytes
      [0x20, 0x04, 0x14, 0x02, 0x72, 0x31], // Router /r1 (one Component "r1")
      [0x21, 0x02, 0x65, 0x31], //           Interface "e1"
      [0x22, 0x02, 0x03, 0xe8], //           HelloInterval 1000 (2-byte nni)
      [0x23, 0x04, 0x00, 0x01, 0x11, 0x70], // DeadInterval 70000 (4-byte nni)
      [0x13, 0x04, 0x14, 0x02, 0x72, 0x32], // Name /r2 (neighbor)
      [0x13, 0x00], //                       Name / (root: no components)
    ),
  ],
  [
    'adjacency lsa',
    {
      type: 'lsa',
      lsa: { kind: 'adjacency', origin: n('/r1'), seq: 2n ** 40n, lifetimeS: 60, neighbors: [{ neighbor: n('/r2'), cost: 10 }], signature: Uint8Array.of(0xaa, 0xbb) },
    },
    bytes(
      [0x01], //                             version 1
      [0x02, 0x27], //                       lsa, 39 bytes
      [0x2c, 0x21], //                       LsaBody, 33 bytes (what the signature covers)
      [0x24, 0x01, 0x01], //                 LsaKind 1 = adjacency
      [0x25, 0x04, 0x14, 0x02, 0x72, 0x31], // Origin /r1
      [0x26, 0x08, 0, 0, 0x01, 0, 0, 0, 0, 0], // Seq 2^40 (8-byte nni)
      [0x27, 0x01, 0x3c], //                 Lifetime 60 s
      [0x28, 0x09], //                       AdjacencyEntry, 9 bytes
      [0x13, 0x04, 0x14, 0x02, 0x72, 0x32], //   Name /r2
      [0x2a, 0x01, 0x0a], //                   Cost 10
      [0x2b, 0x02, 0xaa, 0xbb], //           Signature (2 bytes here; 64 in real life)
    ),
  ],
  [
    'prefix lsa',
    { type: 'lsa', lsa: { kind: 'prefix', origin: n('/r1'), seq: 1n, lifetimeS: 0, prefixes: [{ prefix: n('/B'), cost: 0 }], signature: new Uint8Array() } },
    bytes(
      [0x01], //                             version 1
      [0x02, 0x1d], //                       lsa, 29 bytes
      [0x2c, 0x19], //                       LsaBody, 25 bytes
      [0x24, 0x01, 0x02], //                 LsaKind 2 = prefix
      [0x25, 0x04, 0x14, 0x02, 0x72, 0x31], // Origin /r1
      [0x26, 0x01, 0x01], //                 Seq 1
      [0x27, 0x01, 0x00], //                 Lifetime 0 (flush)
      [0x29, 0x08], //                       PrefixEntry, 8 bytes
      [0x13, 0x03, 0x14, 0x01, 0x42], //       Name /B
      [0x2a, 0x01, 0x00], //                   Cost 0
      [0x2b, 0x00], //                       Signature (empty)
    ),
  ],
  [
    'lsa-ack',
    { type: 'lsa-ack', acks: [{ kind: 'prefix', origin: n('/r1'), seq: 300n }] },
    bytes(
      [0x01], //                             version 1
      [0x03, 0x0f], //                       lsa-ack, 15 bytes
      [0x2d, 0x0d], //                       LsaHeader, 13 bytes
      [0x24, 0x01, 0x02], //                   LsaKind prefix
      [0x25, 0x04, 0x14, 0x02, 0x72, 0x31], //   Origin /r1
      [0x26, 0x02, 0x01, 0x2c], //             Seq 300
    ),
  ],
  [
    'db-summary',
    { type: 'db-summary', headers: [], last: false },
    bytes(
      [0x01], //                             version 1
      [0x04, 0x03], //                       db-summary, 3 bytes
      [0x2f, 0x01, 0x00], //                 Last false (no headers)
    ),
  ],
  [
    'lsa-request',
    { type: 'lsa-request', wanted: [{ kind: 'adjacency', origin: n('/r2') }] },
    bytes(
      [0x01], //                             version 1
      [0x05, 0x0b], //                       lsa-request, 11 bytes
      [0x2e, 0x09], //                       LsaWanted, 9 bytes
      [0x24, 0x01, 0x01], //                   LsaKind adjacency
      [0x25, 0x04, 0x14, 0x02, 0x72, 0x32], //   Origin /r2
    ),
  ],
  [
    'prefix-announcement',
    { type: 'prefix-announcement', action: 'withdraw', pod: n('/p'), prefixes: [n('/B')], publicKey: Uint8Array.of(7), timestamp: 5, signature: Uint8Array.of(9) },
    bytes(
      [0x01], //                             version 1
      [0x06, 0x18], //                       prefix-announcement, 24 bytes
      [0x34, 0x13], //                       AnnouncementBody, 19 bytes (what the signature covers)
      [0x30, 0x01, 0x03], //                   Action 3 = withdraw
      [0x31, 0x03, 0x14, 0x01, 0x70], //       Pod /p
      [0x13, 0x03, 0x14, 0x01, 0x42], //       Name /B (prefix)
      [0x32, 0x01, 0x07], //                   PublicKey (1 byte here; 32 in real life)
      [0x33, 0x01, 0x05], //                   Timestamp 5
      [0x2b, 0x01, 0x09], //                 Signature
    ),
  ],
  [
    'auth-request',
    {
      type: 'auth-request',
      requestId: 1n,
      gateway: n('/g'),
      announcement: { type: 'prefix-announcement', action: 'announce', pod: n('/p'), prefixes: [], publicKey: new Uint8Array(), timestamp: 0, signature: new Uint8Array() },
    },
    bytes(
      [0x01], //                             version 1
      [0x07, 0x1b], //                       auth-request, 27 bytes
      [0x35, 0x01, 0x01], //                 RequestId 1
      [0x36, 0x03, 0x14, 0x01, 0x67], //     Gateway /g
      [0x06, 0x11], //                       prefix-announcement (nested), 17 bytes
      [0x34, 0x0d], //                         AnnouncementBody, 13 bytes
      [0x30, 0x01, 0x01], //                     Action 1 = announce
      [0x31, 0x03, 0x14, 0x01, 0x70], //         Pod /p
      [0x32, 0x00], //                           PublicKey (empty)
      [0x33, 0x01, 0x00], //                     Timestamp 0
      [0x2b, 0x00], //                         Signature (empty)
    ),
  ],
  [
    'auth-response',
    { type: 'auth-response', requestId: 1n, accepted: false, reason: 'not-authorized', reasonText: 'no', prefixes: [n('/B')] },
    bytes(
      [0x01], //                             version 1
      [0x08, 0x12], //                       auth-response, 18 bytes
      [0x35, 0x01, 0x01], //                 RequestId 1
      [0x37, 0x01, 0x00], //                 Accepted false
      [0x38, 0x01, 0x02], //                 Reason 2 = not-authorized
      [0x39, 0x02, 0x6e, 0x6f], //           ReasonText "no"
      [0x13, 0x03, 0x14, 0x01, 0x42], //     Name /B
    ),
  ],
  [
    'qos-telemetry',
    {
      type: 'qos-telemetry',
      reporter: n('/r1'),
      time: 2 ** 40,
      entries: [{ target: n('/B'), rttUs: 500, lossPpm: 0, errorPpm: 1, healthy: true, samples: 3, time: 9 }],
    },
    bytes(
      [0x01], //                             version 1
      [0x09, 0x2a], //                       qos-telemetry, 42 bytes
      [0x3a, 0x04, 0x14, 0x02, 0x72, 0x31], // Reporter /r1
      [0x3b, 0x08, 0, 0, 0x01, 0, 0, 0, 0, 0], // Time 2^40 ms
      [0x3c, 0x18], //                       QosSample, 24 bytes
      [0x3d, 0x03, 0x14, 0x01, 0x42], //       Target /B
      [0x3e, 0x02, 0x01, 0xf4], //             RttUs 500
      [0x3f, 0x01, 0x00], //                   LossPpm 0
      [0x40, 0x01, 0x01], //                   ErrorPpm 1
      [0x41, 0x01, 0x01], //                   Healthy true
      [0x42, 0x01, 0x03], //                   SampleCount 3
      [0x3b, 0x01, 0x09], //                   Time 9
    ),
  ],
  [
    'qos-policy',
    {
      type: 'qos-policy',
      origin: n('/s'),
      version: 2n,
      expires: 100,
      entries: [{ prefix: n('/B'), instances: [{ name: n('/B/1'), weight: 3 }], nexthops: [{ name: n('/r'), weight: 1 }] }],
      signature: Uint8Array.of(0xaa, 0xbb),
    },
    bytes(
      [0x01], //                             version 1
      [0x0a, 0x2f], //                       qos-policy, 47 bytes
      [0x7b, 0x29], //                       PolicyBody, 41 bytes (what the signature covers)
      [0x25, 0x03, 0x14, 0x01, 0x73], //       Origin /s
      [0x43, 0x01, 0x02], //                   Version 2
      [0x44, 0x01, 0x64], //                   Expires 100
      [0x45, 0x1c], //                         PolicyEntry, 28 bytes
      [0x13, 0x03, 0x14, 0x01, 0x42], //         Name /B
      [0x46, 0x0b], //                           Instance, 11 bytes
      [0x13, 0x06, 0x14, 0x01, 0x42, 0x14, 0x01, 0x31], // Name /B/1
      [0x48, 0x01, 0x03], //                       Weight 3
      [0x47, 0x08], //                           Nexthop, 8 bytes
      [0x13, 0x03, 0x14, 0x01, 0x72], //           Name /r
      [0x48, 0x01, 0x01], //                       Weight 1
      [0x2b, 0x02, 0xaa, 0xbb], //           Signature (2 bytes here; Ed25519 gives 64)
    ),
  ],
  [
    'request',
    { type: 'request', name: n('/B/e'), requester: n('/g'), requestId: 7n, hopLimit: 64, segIndex: 0, segCount: 1, payload: Uint8Array.of(0x68, 0x69) },
    bytes(
      [0x01], //                             version 1
      [0x10, 0x1d], //                       request, 29 bytes
      [0x15, 0x01, 0x40], //                 HopLimit 64 (always first: payload offset 5)
      [0x13, 0x06, 0x14, 0x01, 0x42, 0x14, 0x01, 0x65], // Name /B/e
      [0x49, 0x03, 0x14, 0x01, 0x67], //     Requester /g
      [0x35, 0x01, 0x07], //                 RequestId 7
      [0x4a, 0x01, 0x00], //                 SegIndex 0
      [0x4b, 0x01, 0x01], //                 SegCount 1
      [0x4d, 0x02, 0x68, 0x69], //           Payload "hi"
    ),
  ],
  [
    'response',
    { type: 'response', name: n('/B'), requester: n('/g'), requestId: 7n, hopLimit: 0, segIndex: 1, segCount: 2, status: 404, payload: new Uint8Array() },
    bytes(
      [0x01], //                             version 1
      [0x11, 0x1c], //                       response, 28 bytes
      [0x15, 0x01, 0x00], //                 HopLimit 0
      [0x13, 0x03, 0x14, 0x01, 0x42], //     Name /B
      [0x49, 0x03, 0x14, 0x01, 0x67], //     Requester /g
      [0x35, 0x01, 0x07], //                 RequestId 7
      [0x4a, 0x01, 0x01], //                 SegIndex 1
      [0x4b, 0x01, 0x02], //                 SegCount 2
      [0x4c, 0x02, 0x01, 0x94], //           Status 404
      [0x4d, 0x00], //                       Payload (empty)
    ),
  ],
  [
    'nack',
    { type: 'nack', name: n('/C'), requester: n('/g'), requestId: 8n, reason: 'hop-limit', hopLimit: 3, reporter: n('/r') },
    bytes(
      [0x01], //                             version 1
      [0x12, 0x18], //                       nack, 24 bytes
      [0x15, 0x01, 0x03], //                 HopLimit 3
      [0x13, 0x03, 0x14, 0x01, 0x43], //     Name /C
      [0x49, 0x03, 0x14, 0x01, 0x67], //     Requester /g
      [0x35, 0x01, 0x08], //                 RequestId 8
      [0x38, 0x01, 0x02], //                 Reason 2 = hop-limit
      [0x3a, 0x03, 0x14, 0x01, 0x72], //     Reporter /r
    ),
  ],
];

describe('wire: byte vectors', () => {
  for (const [title, message, wire] of vectors) {
    it(`${title}: encodes to the listed bytes and decodes back`, () => {
      assert.deepEqual(Buffer.from(encode(message)).toString('hex'), Buffer.from(wire).toString('hex'));
      assert.deepEqual(decode(wire), message);
    });
  }

  it('uses 3-byte VAR-NUMBER lengths past 252 bytes and 5-byte past 65535', () => {
    const big = { type: 'request', name: n('/B'), requester: n('/g'), requestId: 0n, hopLimit: 1, segIndex: 0, segCount: 1, payload: new Uint8Array(70000) } as const;
    const b = encode(big);
    // version, type 0x10, then 254 + 4-byte length of the message
    assert.deepEqual([...b.subarray(0, 3)], [0x01, 0x10, 0xfe]);
    // payload TLV header: 0x4d, 254, 00 01 11 70 (70000)
    const at = b.length - 70000 - 6;
    assert.deepEqual([...b.subarray(at, at + 6)], [0x4d, 0xfe, 0x00, 0x01, 0x11, 0x70]);
    const mid = encode({ ...big, payload: new Uint8Array(300) });
    // 300 bytes: 253 + 2-byte length 01 2c
    assert.deepEqual([...mid.subarray(mid.length - 304, mid.length - 300)], [0x4d, 0xfd, 0x01, 0x2c]);
    assert.deepEqual(decode(b), big);
  });

  it('accepts Ethernet zero padding after the message and rejects other trailing bytes', () => {
    const wire = vectors[4]![2];
    const padded = Uint8Array.from([...wire, 0, 0, 0, 0]);
    assert.deepEqual(decode(padded), vectors[4]![1]);
    assert.throws(() => decode(Uint8Array.from([...wire, 0, 1])), { name: 'DecodeError', code: 'trailing-bytes' });
  });
});
