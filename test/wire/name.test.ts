/** Names: text form with escapes, order, prefixes. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Name, NameSyntaxError } from '../../src/wire/index.js';
import { name } from './arbitraries.js';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);

describe('wire: names', () => {
  it('parses and prints the canonical text form', () => {
    assert.equal(Name.parse('/B/4/echo').toString(), '/B/4/echo');
    assert.equal(Name.parse('B/4').toString(), '/B/4');
    assert.equal(Name.parse('/').length, 0);
    assert.equal(Name.parse('/B/').toString(), '/B', 'a trailing slash adds no component');
    assert.equal(new Name([]).toString(), '/');
    assert.equal(new Name([b(0x2f, 0x20, 0xff, 0x00)]).toString(), '/%2F%20%FF%00');
    assert.equal(new Name([b(), b(0x2e), b(0x2e, 0x2e)]).toString(), '/.../..../.....');
    assert.deepEqual(Name.parse('/.../..../.....').components, [b(), b(0x2e), b(0x2e, 0x2e)]);
    assert.deepEqual(Name.parse('/%2f%41').components, [b(0x2f, 0x41)]);
    assert.deepEqual(Name.parse('/é😀').components, [new TextEncoder().encode('é😀')]);
    assert.equal(Name.parse('/é😀').toString(), '/%C3%A9%F0%9F%98%80');
  });

  it('round-trips any name through its text form', () => {
    fc.assert(fc.property(name, (n) => assert.deepEqual(Name.parse(n.toString()), n)), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 6 }), (cs) => {
        const n = new Name(cs);
        assert.ok(Name.parse(n.toString()).equals(n));
      }),
    );
  });

  it('rejects bad escapes and the reserved period components with NameSyntaxError', () => {
    for (const bad of ['/a/%', '/a/%4', '/%zz', '/./b', '/a/..']) {
      assert.throws(() => Name.parse(bad), (e: unknown) => e instanceof NameSyntaxError && e.message.includes(bad), bad);
    }
  });

  it('orders names component-wise, shorter components first (NDN canonical order)', () => {
    const sorted = ['/', '/A', '/A/B', '/B', '/%00%00', '/AA', '/AA/A'].map((s) => Name.parse(s));
    const shuffled = [...sorted].reverse().sort((x, y) => x.compare(y));
    assert.deepEqual(shuffled.map(String), sorted.map(String));
    fc.assert(fc.property(name, name, (x, y) => assert.equal(Math.sign(x.compare(y)) + Math.sign(y.compare(x)), 0)));
  });

  it('tells prefixes', () => {
    const b4 = Name.parse('/B/4/echo');
    assert.ok(Name.parse('/B').isPrefixOf(b4));
    assert.ok(Name.parse('/').isPrefixOf(b4));
    assert.ok(b4.isPrefixOf(b4));
    assert.equal(Name.parse('/B/40').isPrefixOf(b4), false);
    assert.equal(Name.parse('/B/4/echo/x').isPrefixOf(b4), false);
    assert.ok(Name.parse('/B').append('4', b4.prefix(3).get(2)!).equals(b4));
  });

  it('a printed name still deep-equals a fresh one (the text cache is invisible)', () => {
    const x = Name.parse('/B/4');
    const y = Name.parse('/B/4');
    x.toString();
    assert.deepEqual(x, y);
  });
});
