/** The service plane's pure parts, in milliseconds: announcement table, SPA policy, grants, backoff, chunking. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { AnnouncementTable, Backoff, chunkBySize, GrantChecker, issueGrant, SpaPolicy } from '../../src/service/index.js';
import { Name, rawPublicKey, signAnnouncement, type AnnouncementAction, type PrefixAnnouncement } from '../../src/wire/index.js';

const n = (s: string) => Name.parse(s);
const pod1 = generateKeyPairSync('ed25519').privateKey;
const pod2 = generateKeyPairSync('ed25519').privateKey;
const spa = generateKeyPairSync('ed25519').privateKey;
const b64 = (k: typeof pod1) => Buffer.from(rawPublicKey(k)).toString('base64');
const T0 = 1_800_000_000_000;

function ann(prefixes: string[], action: AnnouncementAction = 'announce', key = pod1, pod = 'pod1', timestamp = T0): PrefixAnnouncement {
  return signAnnouncement({ type: 'prefix-announcement', action, pod: n(`/damc/pod/${pod}`), prefixes: prefixes.map(n), publicKey: rawPublicKey(key), timestamp }, key);
}
const grant = (p: string, expires: number, gw = '/damc/router/sg1', key = spa) => issueGrant(n(p), n(gw), n('/damc/spa/spa1'), expires, key);

describe('service: SPA policy', () => {
  const policy = new SpaPolicy({ allow: { pod1: ['/A', '/X'], pod2: ['/B/2'] }, podKeys: { pod1: b64(pod1), pod2: b64(pod2) }, maxAgeMs: 60_000 });

  it('accepts what a pod may own (a policy prefix covers the names below it) and rejects the rest, naming them', () => {
    const d = policy.decide(ann(['/A/1', '/A', '/B/1', '/X/9']), T0);
    assert.deepEqual(d.accepted.map(String), ['/A/1', '/A', '/X/9']);
    assert.deepEqual(d.rejected.map(String), ['/B/1']);
    assert.equal(d.reason, 'not-authorized');
    assert.match(d.reasonText!, /pod1 may not own \/B\/1 \(allowed: \/A, \/X\)/);
    assert.deepEqual(policy.decide(ann(['/B'], 'announce', pod2, 'pod2'), T0).rejected.map(String), ['/B'], '/B/2 does not cover its pool /B');
  });

  it('rejects a pod announcing with another key, a broken signature, an unknown pod, and a stale announcement', () => {
    assert.equal(policy.decide(ann(['/A/1'], 'announce', pod2, 'pod1'), T0).reason, 'bad-signature');
    const a = ann(['/A/1']);
    assert.equal(policy.decide({ ...a, prefixes: [n('/A/2')] }, T0).reason, 'bad-signature');
    assert.equal(policy.decide(ann(['/A/1'], 'announce', pod1, 'pod9'), T0).reason, 'not-authorized');
    assert.equal(policy.decide(ann(['/A/1']), T0 + 61_000).reason, 'expired');
  });
});

describe('service: grants', () => {
  const checker = new GrantChecker({ '/damc/spa/spa1': rawPublicKey(spa) });
  const sg1 = n('/damc/router/sg1');

  it('a grant is valid for its prefix, its gateway, from a known SPA, until it expires', () => {
    const g = grant('/B/4', T0 + 1000);
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: g }, sg1, T0), 'ok');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: g }, sg1, T0), 'ok', 'again, from the cache');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0 }, sg1, T0), 'no-grant');
    assert.equal(checker.check({ prefix: n('/B/5'), cost: 0, grant: g }, sg1, T0), 'wrong-prefix');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: g }, n('/damc/router/sg2'), T0), 'wrong-gateway');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: g }, sg1, T0 + 1000), 'expired');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: { ...g, authority: n('/damc/spa/spa9') } }, sg1, T0), 'unknown-authority');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: grant('/B/4', T0 + 1000, '/damc/router/sg1', pod1) }, sg1, T0), 'bad-signature');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: { ...g, expires: g.expires + 5000 } }, sg1, T0), 'bad-signature', 'a cached signature does not cover a changed expiry');
    assert.equal(checker.check({ prefix: n('/Z'), cost: 0, grant: { ...g, prefix: n('/Z') } }, sg1, T0), 'bad-signature', 'nor a changed prefix');
    assert.equal(checker.check({ prefix: n('/B/4'), cost: 0, grant: { ...g, gateway: n('/damc/router/sg2') } }, n('/damc/router/sg2'), T0), 'bad-signature', 'nor a changed gateway');
  });
});

describe('service: the SG\'s announcement table', () => {
  it('advertises a prefix with a live announcer and a grant; a pod that stops refreshing loses it at its deadline', () => {
    const t = new AnnouncementTable();
    t.announce('pod1', ann(['/A/1', '/A']), T0, 7000);
    assert.deepEqual(t.advertised(T0), [], 'nothing without a grant');
    assert.equal(t.needingAuth(T0, 0).length, 1);
    t.granted(grant('/A/1', T0 + 60_000));
    t.granted(grant('/A', T0 + 60_000));
    assert.deepEqual(t.advertised(T0).map((e) => e.prefix.toString()), ['/A', '/A/1']);
    assert.equal(t.needingAuth(T0, 10_000).length, 0);
    assert.equal(t.needingAuth(T0 + 50_001, 10_000).length, 1, 'renewal window');
    t.announce('pod1', ann(['/A/1', '/A'], 'refresh'), T0 + 5000, 7000);
    assert.deepEqual(t.expire(T0 + 11_999), { withdrawn: [], grantsExpired: [] });
    assert.deepEqual(t.expire(T0 + 12_000).withdrawn.map(String), ['/A/1', '/A']);
    assert.deepEqual(t.advertised(T0 + 12_000), []);
  });

  it('keeps a pool while any pod announces it; a rejection holds until a fresh announce; expired grants stop advertising', () => {
    const t = new AnnouncementTable();
    t.announce('pod1', ann(['/B']), T0, 7000);
    t.announce('pod2', ann(['/B'], 'announce', pod2, 'pod2'), T0, 7000);
    t.granted(grant('/B', T0 + 1000));
    assert.deepEqual(t.withdraw('pod1', [n('/B')]), []);
    assert.equal(t.advertised(T0).length, 1);
    assert.deepEqual(t.expire(T0 + 1000).grantsExpired.map(String), ['/B']);
    assert.deepEqual(t.advertised(T0 + 1000), []);
    t.rejected(n('/B'), 'not-authorized', 'no', T0 + 1000);
    t.announce('pod2', ann(['/B'], 'refresh', pod2, 'pod2'), T0 + 1500, 7000);
    assert.equal(t.needingAuth(T0 + 1500, 0).length, 0, 'a refresh does not ask again');
    assert.equal(t.view(T0 + 1500)[0]!.status, 'rejected');
    t.announce('pod2', ann(['/B'], 'announce', pod2, 'pod2'), T0 + 2000, 7000);
    assert.equal(t.needingAuth(T0 + 2000, 0).length, 1, 'a fresh announce does');
    assert.deepEqual(t.withdraw('pod2', [n('/B')]).map(String), ['/B']);
    assert.equal(t.size, 0);
  });
});

describe('service: backoff and chunking', () => {
  it('backs off from the initial interval by the factor up to the cap, with jitter below the nominal, and resets', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 4000, factor: 2, jitter: 0.2, random: () => 0 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 4000, 4000]);
    b.reset();
    assert.equal(b.next(), 500);
    const j = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 1 });
    assert.equal(j.next(), 800);
  });

  it('splits into runs within a budget, keeping order, an oversized item alone', () => {
    assert.deepEqual(chunkBySize([3, 3, 3, 9, 1, 1], (x) => x, 6), [[3, 3], [3], [9], [1, 1]]);
    assert.deepEqual(chunkBySize([], (x: number) => x, 6), []);
  });
});
