/**
 * The routers' grant check lets the lab's own infrastructure names through without an SPA
 * grant, but only from the one origin the node config names: /damc/scsc from the SCSC's stub
 * router, never from anyone else.
 */
import assert from 'node:assert/strict';
import { grantFilter, newGrantCounters } from '../../src/node/grant-filter.js';
import { GrantChecker } from '../../src/service/index.js';
import { logger } from '../../src/util/log.js';
import { Name, type PrefixLsa } from '../../src/wire/index.js';

describe('grant filter: infrastructure prefixes', () => {
  const log = logger('test:grant-filter', {});
  log.level = 'silent';
  const scsc = Name.parse('/damc/scsc/scsc');
  const infra = new Map([[Name.parse('/damc/scsc').key, scsc.key]]);
  const lsa = (origin: Name, prefixes: string[]): PrefixLsa => ({
    kind: 'prefix', origin, seq: 1n, lifetimeS: 60, signature: new Uint8Array(64),
    prefixes: prefixes.map((p) => ({ prefix: Name.parse(p), cost: 0 })),
  });

  it('accepts /damc/scsc without a grant from the SCSC, and ignores and counts it from any other router', () => {
    const counters = newGrantCounters();
    const f = grantFilter(new GrantChecker({}), { now: () => 0 }, counters, log, (k) => k, infra);
    assert.deepEqual(f(lsa(scsc, ['/damc/scsc'])).map((e) => e.prefix.toString()), ['/damc/scsc']);
    assert.deepEqual(f(lsa(Name.parse('/damc/router/sr1'), ['/damc/scsc'])), []);
    assert.equal(counters['prefix-no-grant'], 1);
    // The exemption is for that name only: the SCSC gets no pass for anything else.
    assert.deepEqual(f(lsa(scsc, ['/damc/scsc', '/B'])).map((e) => e.prefix.toString()), ['/damc/scsc']);
    assert.equal(counters['prefix-no-grant'], 2);
  });
});
