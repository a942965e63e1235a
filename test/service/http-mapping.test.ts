/** URL host -> name, and HTTP messages <-> the bytes a Request/Response carries. */
import assert from 'node:assert/strict';
import { decodeHttpRequest, decodeHttpResponse, encodeHttpRequest, encodeHttpResponse, endToEndHeaders, HttpMessageError, parseTarget } from '../../src/service/index.js';

describe('service: proxy URL -> name', () => {
  const ok = (url: string, host?: string) => {
    const r = parseTarget(url, host);
    assert.ok(r.ok, url);
    return r.target;
  };

  it('the bare service is the pool, instance.service is one instance; the path stays out of the name', () => {
    assert.deepEqual([ok('http://B/echo').name.toString(), ok('http://B/echo').path, ok('http://B/echo').instance], ['/B', '/echo', undefined]);
    const t = ok('http://4.B/echo?x=1');
    assert.deepEqual([t.name.toString(), t.service, t.instance, t.path, t.host], ['/B/4', 'B', '4', '/echo?x=1', '4.B']);
    assert.equal(ok('http://B/4').name.toString(), '/B'); // path /4 of the pool, not instance 4
    assert.equal(ok('http://B:8080').path, '/');
    assert.equal(ok('http://B?q').path, '/?q');
    assert.equal(ok('/kv/x', 'K').name.toString(), '/K'); // origin form with a Host header
  });

  it('refuses what is not a service name, saying how to write one', () => {
    for (const [u, why] of [['http://a.b.c/', /not a service name/], ['https://B/', /scheme https/], ['/x', /absolute http/], ['http://B%20/', /not a service name/]] as const) {
      const r = parseTarget(u);
      assert.ok(!r.ok && why.test(r.reason), `${u}: ${JSON.stringify(r)}`);
    }
  });
});

describe('service: HTTP <-> bytes', () => {
  it('a request round-trips with binary body and repeated headers', () => {
    const body = Buffer.from([0, 1, 2, 255]);
    const r = { method: 'POST', path: '/x?y', headers: [['X-A', '1'], ['x-a', '2']] as [string, string][], body };
    const d = decodeHttpRequest(encodeHttpRequest(r));
    assert.deepEqual([d.method, d.path, d.headers, Buffer.from(d.body)], [r.method, r.path, r.headers, body]);
    const s = decodeHttpResponse(encodeHttpResponse({ headers: [['content-type', 'text/plain']], body: Buffer.from('hi') }));
    assert.deepEqual([s.headers, Buffer.from(s.body).toString()], [[['content-type', 'text/plain']], 'hi']);
  });

  it('drops hop-by-hop headers and those Connection names', () => {
    const h = endToEndHeaders(['Host', 'B', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's', 'Proxy-Connection', 'x', 'Transfer-Encoding', 'chunked', 'Content-Length', '3', 'Accept', '*/*']);
    assert.deepEqual(h, [['Host', 'B'], ['Accept', '*/*']]);
  });

  it('malformed bytes are an HttpMessageError, not a crash', () => {
    for (const b of [new Uint8Array(2), Uint8Array.of(0, 0, 0, 9, 1), Uint8Array.of(0, 0, 0, 2, 0x7b, 0x7d), Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from('null')])]) {
      assert.throws(() => decodeHttpRequest(b), HttpMessageError);
    }
  });
});
