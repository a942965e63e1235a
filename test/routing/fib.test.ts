import assert from 'node:assert/strict';
import { NameTrie } from '../../src/routing/index.js';
import { Name } from '../../src/wire/name.js';

describe('routing: FIB longest-prefix match', () => {
  const fib = new NameTrie<string>();
  for (const p of ['/B', '/B/4', '/damc/router/sr1', '/A%2FB']) fib.set(Name.parse(p), p);

  it('picks the longest matching prefix on whole components', () => {
    assert.equal(fib.lpm(Name.parse('/B/4/echo'))?.value, '/B/4');
    assert.equal(fib.lpm(Name.parse('/B/1/echo'))?.value, '/B');
    assert.equal(fib.lpm(Name.parse('/B'))?.value, '/B');
    assert.equal(fib.lpm(Name.parse('/B/41'))?.value, '/B', '/B/4 is not a prefix of /B/41');
    assert.equal(fib.lpm(Name.parse('/BB')), undefined, '/B is not a prefix of /BB');
    assert.equal(fib.lpm(Name.parse('/damc/router/sr1/ping'))?.value, '/damc/router/sr1');
  });

  it('treats an escaped slash as part of one component', () => {
    assert.equal(fib.lpm(Name.parse('/A%2FB/x'))?.value, '/A%2FB');
    assert.equal(fib.lpm(Name.parse('/A/B')), undefined);
  });

  it('matches the empty prefix as a default route only when set', () => {
    assert.equal(fib.lpm(Name.parse('/C')), undefined);
    const t = new NameTrie<string>();
    t.set(Name.parse('/'), 'default');
    assert.equal(t.lpm(Name.parse('/C/1'))?.value, 'default');
  });

  it('lists entries sorted by prefix and counts them', () => {
    assert.deepEqual(fib.entries().map((e) => e.prefix.key), ['/B', '/B/4', '/A%2FB', '/damc/router/sr1']);
    assert.equal(fib.size, 4);
  });
});
