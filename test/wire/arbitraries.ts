/** fast-check generators for every DAMC message, shared by the property and fuzz tests. */
import fc from 'fast-check';
import { Name, type Grant, type Lsa, type Message, type PrefixAnnouncement } from '../../src/wire/index.js';

const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as unknown as fc.Arbitrary<T>;

/** Any bytes in any component, empty components and the empty name included. */
export const name: fc.Arbitrary<Name> = fc
  .array(fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.constantFrom('B', '4', 'echo', '...', '%', '/').map((s) => new TextEncoder().encode(s))), { maxLength: 5 })
  .map((cs) => new Name(cs));

const names = fc.array(name, { maxLength: 4 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const nat = fc.oneof(fc.nat({ max: 300 }), fc.nat(), fc.maxSafeNat());
const text = fc.string({ unit: 'binary', maxLength: 20 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const hop = fc.integer({ min: 0, max: 255 });

const lsaKind = fc.constantFrom('adjacency' as const, 'prefix' as const);
/** Adds `part` (1..) to some values: part 0 is never a field, so it never appears decoded. */
const withPart = <T extends object>(a: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(a, fc.option(fc.integer({ min: 1, max: 70_000 }), { nil: undefined })).map(([v, part]) => (part === undefined ? v : { ...v, part }));
const header = withPart(rec({ kind: lsaKind, origin: name, seq: u64 }));
export const grant: fc.Arbitrary<Grant> = rec({ prefix: name, gateway: name, authority: name, expires: nat, signature: bytes(64) });
const prefixEntry = fc.tuple(rec({ prefix: name, cost: nat }), fc.option(grant, { nil: undefined }))
  .map(([e, g]) => (g === undefined ? e : { ...e, grant: g }));

export const lsa: fc.Arbitrary<Lsa> = withPart<Lsa>(fc.oneof(
  rec({
    kind: fc.constant('adjacency' as const),
    origin: name,
    seq: u64,
    lifetimeS: nat,
    neighbors: fc.array(rec({ neighbor: name, cost: nat }), { maxLength: 4 }),
    signature: bytes(64),
  }),
  rec({
    kind: fc.constant('prefix' as const),
    origin: name,
    seq: u64,
    lifetimeS: nat,
    prefixes: fc.array(prefixEntry, { maxLength: 4 }),
    signature: bytes(64),
  }),
));

export const announcement: fc.Arbitrary<PrefixAnnouncement> = rec({
  type: fc.constant('prefix-announcement' as const),
  action: fc.constantFrom('announce' as const, 'refresh' as const, 'withdraw' as const),
  pod: name,
  prefixes: names,
  publicKey: bytes(32),
  timestamp: nat,
  signature: bytes(64),
});

const weighted = fc.array(rec({ name, weight: nat }), { maxLength: 3 });
const data = { name, requester: name, requestId: u64, hopLimit: hop, segIndex: nat, segCount: nat, payload: bytes(300) };

const authResponse = fc
  .tuple(
    rec({ type: fc.constant('auth-response' as const), requestId: u64, accepted: fc.boolean(), prefixes: names }),
    fc.option(fc.constantFrom('bad-signature' as const, 'not-authorized' as const, 'prefix-conflict' as const, 'expired' as const, 'malformed' as const, 'other' as const), { nil: undefined }),
    fc.option(text, { nil: undefined }),
  )
  .map(([m, reason, reasonText]) => ({ ...m, ...(reason === undefined ? {} : { reason }), ...(reasonText === undefined ? {} : { reasonText }) }));
const authResponseWithGrants = fc.tuple(authResponse, fc.array(grant, { maxLength: 3 }))
  .map(([m, grants]) => (grants.length === 0 ? m : { ...m, grants }));
const announcementResult = fc
  .tuple(
    rec({ type: fc.constant('announcement-result' as const), pod: name, accepted: fc.boolean(), prefixes: names }),
    fc.option(fc.constantFrom('bad-signature' as const, 'not-authorized' as const, 'other' as const), { nil: undefined }),
    fc.option(text, { nil: undefined }),
  )
  .map(([m, reason, reasonText]) => ({ ...m, ...(reason === undefined ? {} : { reason }), ...(reasonText === undefined ? {} : { reasonText }) }));

export const message: fc.Arbitrary<Message> = fc.oneof(
  rec({ type: fc.constant('hello' as const), router: name, iface: text, helloIntervalMs: nat, deadIntervalMs: nat, neighbors: names }),
  rec({ type: fc.constant('lsa' as const), lsa }),
  rec({ type: fc.constant('lsa-ack' as const), acks: fc.array(header, { maxLength: 4 }) }),
  rec({ type: fc.constant('db-summary' as const), headers: fc.array(header, { maxLength: 4 }), last: fc.boolean() }),
  rec({ type: fc.constant('lsa-request' as const), wanted: fc.array(withPart(rec({ kind: lsaKind, origin: name })), { maxLength: 4 }) }),
  announcement,
  rec({ type: fc.constant('auth-request' as const), requestId: u64, gateway: name, announcement }),
  authResponseWithGrants,
  announcementResult,
  rec({
    type: fc.constant('qos-telemetry' as const),
    reporter: name,
    time: nat,
    entries: fc.array(
      rec({ target: name, rttUs: nat, lossPpm: nat, errorPpm: nat, healthy: fc.boolean(), samples: nat, time: nat }),
      { maxLength: 3 },
    ),
  }),
  rec({
    type: fc.constant('qos-policy' as const),
    origin: name,
    version: u64,
    expires: nat,
    entries: fc.array(rec({ prefix: name, instances: weighted, nexthops: weighted }), { maxLength: 3 }),
    signature: bytes(64),
  }),
  rec({ type: fc.constant('request' as const), ...data }),
  rec({ type: fc.constant('response' as const), ...data, status: nat }),
  rec({
    type: fc.constant('nack' as const),
    name,
    requester: name,
    requestId: u64,
    hopLimit: hop,
    reporter: name,
    reason: fc.constantFrom('no-route' as const, 'hop-limit' as const, 'rejected' as const, 'congestion' as const, 'unreachable' as const, 'other' as const),
  }),
);
