/** `fib-digest`: what bench-scale polls instead of whole FIBs. */
import assert from 'node:assert/strict';
import { Views } from '../../src/node/views.js';
import { fibDigest } from './lab-routing.js';
import { TestNet } from '../routing/net.js';

describe('node views: fib-digest', () => {
  it('is the digest of the fib view, computed once per FIB, and changes with the FIB', () => {
    const net = new TestNet(['a', 'b', 'c'], [{ a: 'a', b: 'b' }, { a: 'b', b: 'c' }]).start();
    assert.ok(net.converge() >= 0);
    const views = new Views(net.host('a').core, {}, () => net.sched.now());
    const d = views.fibDigest();
    assert.equal(d.digest, fibDigest(views.fib() as never));
    assert.equal(d.entries, 3);
    assert.equal(views.fibDigest(), d, 'the same FIB: the cached answer');
    net.link('b', 'c').setUp(false);
    assert.ok(net.converge() >= 0);
    assert.notEqual(views.fibDigest().digest, d.digest);
    assert.equal(views.fibDigest().entries, 2);
  });
});
