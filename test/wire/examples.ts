/**
 * One fixed example of every message. PROTOCOL.md's hex examples are these, encoded (print them
 * with `node dist/test/wire/print-examples.js`); the doc test and the tshark test use them too.
 * Signatures are real: Ed25519 is deterministic, and the keys come from fixed seeds.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  Name,
  rawPublicKey,
  signAnnouncement,
  signGrant,
  signLsa,
  signPolicy,
  type Message,
  type MessageType,
  type PrefixAnnouncement,
} from '../../src/wire/index.js';

/** An Ed25519 private key from a 32-byte seed (PKCS#8 DER: fixed 16-byte prefix + seed). */
export function keyFromSeed(seedByte: number): KeyObject {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export const routerKey = keyFromSeed(1);
export const podKey = keyFromSeed(2);
export const scscKey = keyFromSeed(3);
export const spaKey = keyFromSeed(4);

const n = (s: string): Name => Name.parse(s);

const announcement: PrefixAnnouncement = signAnnouncement(
  {
    type: 'prefix-announcement',
    action: 'announce',
    pod: n('/damc/pod/pod1'),
    prefixes: [n('/B')],
    publicKey: rawPublicKey(podKey),
    timestamp: 1_700_000_000_000,
  },
  podKey,
);

export const examples: Record<MessageType, Message> = {
  hello: {
    type: 'hello',
    router: n('/damc/router/sr1'),
    iface: 'eth1',
    helloIntervalMs: 1000,
    deadIntervalMs: 4000,
    neighbors: [n('/damc/router/sg1')],
  },
  lsa: {
    type: 'lsa',
    lsa: signLsa(
      { kind: 'prefix', origin: n('/damc/router/sg1'), seq: 7n, lifetimeS: 3600, prefixes: [{ prefix: n('/B'), cost: 0 }] },
      routerKey,
    ),
    remainingS: 3590,
  },
  'lsa-ack': { type: 'lsa-ack', acks: [{ kind: 'prefix', origin: n('/damc/router/sg1'), seq: 7n }] },
  'db-summary': {
    type: 'db-summary',
    headers: [{ kind: 'adjacency', origin: n('/damc/router/sr1'), seq: 3n }],
    last: true,
  },
  'lsa-request': { type: 'lsa-request', wanted: [{ kind: 'adjacency', origin: n('/damc/router/sr1') }] },
  'prefix-announcement': announcement,
  'auth-request': { type: 'auth-request', requestId: 9n, gateway: n('/damc/router/sg1'), announcement },
  'auth-response': {
    type: 'auth-response',
    requestId: 9n,
    accepted: false,
    reason: 'prefix-conflict',
    reasonText: '/B is owned by pod2',
    prefixes: [n('/B')],
  },
  'announcement-result': {
    type: 'announcement-result',
    pod: n('/damc/pod/pod1'),
    accepted: false,
    reason: 'not-authorized',
    reasonText: 'pod1 may not own /Z',
    prefixes: [n('/Z')],
  },
  'qos-telemetry': {
    type: 'qos-telemetry',
    reporter: n('/damc/router/sg1'),
    time: 1_700_000_000_000,
    entries: [{ target: n('/B/4'), rttUs: 850, lossPpm: 0, errorPpm: 1200, healthy: true, samples: 20, time: 1_699_999_999_000 }],
  },
  'qos-policy': signPolicy(
    {
      type: 'qos-policy',
      origin: n('/damc/scsc'),
      version: 5n,
      expires: 1_700_000_060_000,
      entries: [
        {
          prefix: n('/B'),
          instances: [
            { name: n('/B/1'), weight: 1 },
            { name: n('/B/4'), weight: 3 },
          ],
          nexthops: [],
        },
      ],
    },
    scscKey,
  ),
  request: {
    type: 'request',
    name: n('/B/4/echo'),
    requester: n('/damc/router/sg1'),
    requestId: 42n,
    hopLimit: 32,
    segIndex: 0,
    segCount: 1,
    payload: new TextEncoder().encode('hi'),
  },
  response: {
    type: 'response',
    name: n('/B/4/echo'),
    requester: n('/damc/router/sg1'),
    requestId: 42n,
    hopLimit: 30,
    segIndex: 0,
    segCount: 1,
    status: 200,
    payload: new TextEncoder().encode('hi'),
  },
  nack: {
    type: 'nack',
    name: n('/C/echo'),
    requester: n('/damc/router/sg1'),
    requestId: 43n,
    reason: 'no-route',
    hopLimit: 31,
    reporter: n('/damc/router/sr1'),
  },
};

/** An SPA's grant for sg1 to advertise /B (what auth-response accepts with and a prefix entry carries). */
export const grant = signGrant(
  { prefix: n('/B'), gateway: n('/damc/router/sg1'), authority: n('/damc/spa/spa1'), expires: 1_700_000_600_000 },
  spaKey,
);

/**
 * The service-signaling fields in use, beyond one example per message type: an accept with its
 * grant, and part 1 of a split prefix LSA whose entry carries its grant. PROTOCOL.md shows them
 * under `<!-- extra: NAME -->`.
 */
export const extraExamples: Record<string, Message> = {
  'auth-response-accept': { type: 'auth-response', requestId: 10n, accepted: true, prefixes: [n('/B')], grants: [grant] },
  'lsa-granted-part': {
    type: 'lsa',
    lsa: signLsa(
      { kind: 'prefix', origin: n('/damc/router/sg1'), seq: 8n, lifetimeS: 3600, part: 1, prefixes: [{ prefix: n('/B'), cost: 0, grant }] },
      routerKey,
    ),
  },
  'lsa-ack-part': { type: 'lsa-ack', acks: [{ kind: 'prefix', origin: n('/damc/router/sg1'), seq: 8n, part: 1 }] },
};
