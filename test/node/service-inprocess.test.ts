/**
 * The service plane's data side in one process: figure2's routers over memory links (virtual
 * time, pumped by a real 1 ms timer so HTTP I/O and packets move together), its pods' built-in
 * instances as real HTTP servers on loopback, each SG's HTTP proxy on loopback, and clients
 * that talk to a proxy exactly as curl does with HTTP_PROXY set.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { decodeHttpResponse, encodeHttpRequest } from '../../src/service/index.js';
import { Name } from '../../src/wire/index.js';
import { ServiceNet } from '../service/service-net.js';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

const agent = new Agent({ keepAlive: true });

/** An HTTP request through a proxy, the way curl sends it with http_proxy set. */
export function viaProxy(port: number, url: string, o: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = /^http:\/\/([^/]+)(.*)$/.exec(url)!;
    const r = request({ host: '127.0.0.1', port, method: o.method ?? 'GET', path: url, agent, headers: { host: u[1]!, ...o.headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('service plane in-process (figure2): HTTP between pods as name-tagged segments', function () {
  this.timeout(120_000);
  const net = new ServiceNet();
  const { cfgs, routers, pods, links } = net;
  const proxyOf = (pod: string) => routers.get(cfgs.get(pod)!.interfaces[0]!.peerNode)!.service!.port;

  before(() => net.start());

  after(() => {
    net.stop();
    agent.destroy();
  });

  const instancesOf = (svc: string) => [...cfgs.values()].flatMap((c) => (c.podServices ?? []).map((s) => s.instance)).filter((i) => i.startsWith(`${svc}/`));

  it('every pod reaches every service by name and every instance by its spelling', async () => {
    for (const pod of ['pod1', 'pod2', 'pod3', 'pod4']) {
      for (const svc of ['A', 'B', 'C']) {
        const r = await viaProxy(proxyOf(pod), `http://${svc}/echo?from=${pod}`);
        assert.equal(r.status, 200, `${pod} -> ${svc}: ${r.body.toString()}`);
        const j = JSON.parse(r.body.toString()) as { instance: string; path: string; method: string };
        assert.ok(j.instance.startsWith(`${svc}/`));
        assert.equal(j.path, `/echo?from=${pod}`);
        for (const inst of instancesOf(svc)) {
          const [s, i] = inst.split('/');
          const ri = await viaProxy(proxyOf(pod), `http://${i}.${s}/x`, { method: 'POST', body: Buffer.from(`hi ${inst}`) });
          assert.equal(ri.status, 200, `${pod} -> ${inst}: ${ri.body.toString()}`);
          const ji = JSON.parse(ri.body.toString()) as { instance: string; body: string; method: string };
          assert.deepEqual([ji.instance, ji.body, ji.method], [inst, `hi ${inst}`, 'POST']);
        }
      }
    }
  });

  it('the pool goes to the nearest instance; the own pod\'s traffic stays in the SG', async () => {
    // (sr1 still carries sg1's health probes of /B/3 and /B/4: the pool's data does not leave sg1.)
    const sg1 = routers.get('sg1')!.service!.stats;
    const before = sg1.remote;
    const r = await viaProxy(proxyOf('pod1'), 'http://B/echo');
    assert.equal(JSON.parse(r.body.toString()).instance, 'B/1');
    assert.equal(r.headers['x-damc-gateway'], 'sg1');
    assert.equal(sg1.remote, before);
    // From sg1 the pool /C is 2 away both behind sg2 (C/2) and behind sg3 (C/3): either is nearest.
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const far = await viaProxy(proxyOf('pod1'), 'http://C/echo');
      const j = JSON.parse(far.body.toString()) as { instance: string };
      assert.ok(['C/2', 'C/3'].includes(j.instance));
      assert.equal(far.headers['x-damc-gateway'], j.instance === 'C/2' ? 'sg2' : 'sg3');
      seen.add(j.instance);
    }
    assert.equal(seen.size, 2, 'exchanges spread over both equal-cost instances');
  });

  it('errors are HTTP: unknown service 404, advertised but unreachable 502 naming the prefix, bad host 400', async () => {
    const z = await viaProxy(proxyOf('pod1'), 'http://Z/echo');
    assert.equal(z.status, 404);
    assert.match(z.body.toString(), /unknown service \/Z: no gateway advertises it/);
    const b9 = await viaProxy(proxyOf('pod1'), 'http://9.B/echo');
    assert.equal(b9.status, 404);
    assert.match(b9.body.toString(), /unknown service \/B\/9/);
    const bad = await viaProxy(proxyOf('pod1'), 'http://a.b.c/');
    assert.equal(bad.status, 400);
    // Cut sg4 off: its LSAs stay in every LSDB until they expire, but no path leads there.
    const cut = [links.get('sg4:eth3')!, links.get('sg4:eth4')!];
    for (const l of cut) l.setUp(false);
    try {
      await until(() => !routers.get('sg1')!.views.fib().some((e) => e.prefix === '/B/4'), 5_000, 'sg1 drops /B/4');
      const r = await viaProxy(proxyOf('pod1'), 'http://4.B/echo');
      assert.equal(r.status, 502);
      assert.match(r.body.toString(), /no route to \/B\/4 \(advertised by sg4, unreachable from sg1\)/);
    } finally {
      for (const l of cut) l.setUp(true);
    }
    await until(() => routers.get('sg1')!.views.fib().some((e) => e.prefix === '/B/4'), 10_000, 'sg1 routes /B/4 again');
  });

  it('a name that reaches an SG without such an instance is a 404 with the reason', async () => {
    // /A/4/x matches /A/4 in every FIB, so it reaches sg4, which has no instance "/A/4/x".
    const sg1 = routers.get('sg1')!.service!;
    const r = await sg1.transport.request(Name.parse('/A/4/x'), encodeHttpRequest({ method: 'GET', path: '/', headers: [], body: new Uint8Array() }), 5000);
    assert.equal(r.status, 404);
    assert.match(Buffer.from(decodeHttpResponse(r.body).body).toString(), /\/A\/4\/x is neither a service \(\/B\) nor an instance \(\/B\/4\) \(sg4\)/);
  });

  it('an instance slower than the deadline is a 504; knobs set through the pod\'s control', async () => {
    pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', delayMs: 7000 });
    try {
      const r = await viaProxy(proxyOf('pod1'), 'http://4.B/echo');
      assert.equal(r.status, 504, r.body.toString());
    } finally {
      pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'B/4', delayMs: 0 });
    }
    pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'A/4', errorRate: 1 });
    try {
      const r = await viaProxy(proxyOf('pod1'), 'http://4.A/echo');
      assert.equal(r.status, 500);
      assert.match(r.body.toString(), /injected failure/);
    } finally {
      pods.get('pod4')!.handle({ cmd: 'service-set', instance: 'A/4', errorRate: 0 });
    }
  });

  it('8 MiB both ways between pod1 and B/4, intact (hash), with retransmissions under 5% loss on sg1-sr1', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32BE((i * 2654435761) >>> 0, i);
    const r0 = await viaProxy(proxyOf('pod1'), 'http://4.B/raw', { method: 'POST', body: big });
    assert.equal(r0.status, 200);
    assert.equal(sha(r0.body), sha(big));
    links.get('sg1:eth3')!.setLoss(0.05);
    try {
      const r = await viaProxy(proxyOf('pod1'), 'http://4.B/raw', { method: 'POST', body: big });
      assert.equal(r.status, 200);
      assert.equal(sha(r.body), sha(big));
      assert.ok(routers.get('sg1')!.host.core.counters.dataRetransmitted + routers.get('sg4')!.host.core.counters.dataRetransmitted > 0);
    } finally {
      links.get('sg1:eth3')!.setLoss(0);
    }
  });

  it('200 sequential calls with 5% loss on sg1-sr1 all succeed; concurrent calls too', async () => {
    links.get('sg1:eth3')!.setLoss(0.05);
    try {
      for (let i = 0; i < 200; i++) {
        const r = await viaProxy(proxyOf('pod1'), `http://4.B/echo?i=${i}`);
        assert.equal(r.status, 200, r.body.toString());
        assert.equal(JSON.parse(r.body.toString()).path, `/echo?i=${i}`);
      }
      const rs = await Promise.all(Array.from({ length: 30 }, (_x, i) => viaProxy(proxyOf('pod1'), `http://3.C/echo?c=${i}`)));
      rs.forEach((r, i) => assert.equal(JSON.parse(r.body.toString()).path, `/echo?c=${i}`));
    } finally {
      links.get('sg1:eth3')!.setLoss(0);
    }
  });
});
