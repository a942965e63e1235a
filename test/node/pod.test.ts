/** The pod program's built-in apps and knobs, and the topology's services: forms. */
import assert from 'node:assert/strict';
import { echoApp } from '../../src/node/pod/echo-app.js';
import { kvApp } from '../../src/node/pod/kv-app.js';
import { checkKnobs, withKnobs } from '../../src/node/pod/knobs.js';
import { buildNodeConfigs } from '../../src/topology/index.js';
import { rejects, resolveText } from '../topology/rejects.js';
import { NODE_ENTRY } from '../../src/topology/builtin-kinds.js';

const req = (method: string, path: string, body = '') => ({ method, path, headers: { host: 'K' }, body: Buffer.from(body) });

describe('pod: built-in apps, knobs, and services: in the topology', () => {
  it('echo says who answered and what it was asked; /raw gives the body back byte for byte', () => {
    const app = echoApp('B/4', 'pod4');
    const j = JSON.parse(app(req('POST', '/echo?x', 'hi')).body.toString()) as Record<string, unknown>;
    assert.deepEqual([j.instance, j.pod, j.method, j.path, j.body, j.bodyBytes], ['B/4', 'pod4', 'POST', '/echo?x', 'hi', 2]);
    const raw = app({ ...req('POST', '/raw'), body: Buffer.from([0, 255, 7]) });
    assert.deepEqual([...raw.body], [0, 255, 7]);
    assert.equal(raw.headers['x-damc-instance'], 'B/4');
  });

  it('kv stores, lists, replaces and deletes', () => {
    const kv = kvApp('K/1');
    assert.equal(kv(req('GET', '/kv/a')).status, 404);
    assert.equal(kv(req('PUT', '/kv/a', 'one')).status, 201);
    assert.equal(kv(req('PUT', '/kv/a', 'uno')).status, 200);
    assert.equal(kv(req('GET', '/kv/a')).body.toString(), 'uno');
    assert.deepEqual((JSON.parse(kv(req('GET', '/kv')).body.toString()) as { keys: string[] }).keys, ['a']);
    assert.equal(kv(req('DELETE', '/kv/a')).status, 204);
    assert.equal(kv(req('DELETE', '/kv/a')).status, 404);
    assert.equal(kv(req('PATCH', '/kv/a')).status, 405);
  });

  it('knobs: errorRate answers 500 for that share, delay waits; bad values are refused', async () => {
    const app = echoApp('A/1', 'pod1');
    let x = 0;
    const rnd = () => ((x = (x + 0.37) % 1));
    let fails = 0;
    for (let i = 0; i < 1000; i++) if ((await withKnobs(app, { delayMs: 0, errorRate: 0.5 }, req('GET', '/'), 'A/1', rnd)).status === 500) fails++;
    assert.ok(fails > 400 && fails < 600, `${fails}`);
    const t0 = Date.now();
    assert.equal((await withKnobs(app, { delayMs: 50, errorRate: 0 }, req('GET', '/'), 'A/1')).status, 200);
    assert.ok(Date.now() - t0 >= 45);
    assert.throws(() => checkKnobs({ errorRate: 1.5 }), /out of range/);
    assert.throws(() => checkKnobs({ delayMs: -1 }), /out of range/);
  });

  it('services: strings are echo; objects pick kv, knobs, or a cmd: program\'s port; SGs learn ports', () => {
    const t = resolveText(`name: t
topology:
  nodes:
    sg: { kind: damc-sg }
    p: { kind: damc-pod, cmd: "busybox httpd -f -p 8080", services: ["A/1", { name: K/1, app: kv, delay: 200ms, errorRate: 0.25 }, { name: Z/9, port: 8080, health: /up }] }
  links:
    - endpoints: ["p:eth1", "sg:eth1"]
`);
    const p = t.nodes.get('p')!;
    assert.deepEqual(p.services, ['A/1', 'K/1', 'Z/9']);
    assert.deepEqual(p.serviceSpecs.map((s) => [s.instance, s.app, s.port, s.delayMs, s.errorRate, s.health]),
      [['A/1', 'echo', 8001, 0, 0, '/healthz'], ['K/1', 'kv', 8002, 200, 0.25, '/healthz'], ['Z/9', 'cmd', 8080, 0, 0, '/up']]);
    assert.deepEqual(p.userCmd, ['sh', '-c', 'busybox httpd -f -p 8080']);
    assert.deepEqual(p.cmd, ['node', NODE_ENTRY], 'the pod program runs; it starts cmd: as its child');
    const cfgs = buildNodeConfigs(t, () => ({ privateKeyPem: '', publicKeyRaw: '' }));
    assert.deepEqual(cfgs.get('sg')!.gatewayPods, [{ node: 'p', address: '10.200.0.2', gatewayAddress: '10.200.0.1',
      instances: [{ instance: 'A/1', port: 8001, health: '/healthz' }, { instance: 'K/1', port: 8002, health: '/healthz' }, { instance: 'Z/9', port: 8080, health: '/up' }] }]);
    assert.deepEqual(cfgs.get('p')!.podCmd, ['sh', '-c', 'busybox httpd -f -p 8080']);
    assert.deepEqual(cfgs.get('sg')!.prefixes, ['/A', '/A/1', '/K', '/K/1', '/Z', '/Z/9']);
  });

  it('services: refused with the fix when they cannot work', () => {
    const topo = (svc: string, extra = '') => `name: t\ntopology:\n  nodes:\n    sg: { kind: damc-sg }\n    p: { kind: damc-pod${extra}, services: [${svc}] }\n  links:\n    - endpoints: ["p:eth1", "sg:eth1"]\n`;
    rejects(() => resolveText(topo('{ name: Z/9, port: 8080 }')), 'SERVICE_NO_PROGRAM', 'no cmd:');
    rejects(() => resolveText(topo('{ name: Z/9, port: 8080, delay: 5 }', ', cmd: x')), 'SERVICE_KNOBS');
    rejects(() => resolveText(topo('"A/1", "A/1"')), 'SERVICE_DUPLICATE');
    rejects(() => resolveText(topo('{ name: A/1, port: 9000 }, { name: B/1, port: 9000 }', ', cmd: x')), 'SERVICE_PORT_USED');
    rejects(() => resolveText(topo('"4.B/1"')), 'SERVICE_INVALID');
    rejects(() => resolveText(topo('{ name: A/1, delay: soon }')), 'DURATION_INVALID');
  });
});

describe('pod: a user program that exits takes its instances down', () => {
  it('tells the listener which instances stopped, also when it listens after the exit', async () => {
    const { Pod } = await import('../../src/node/pod/pod-main.js');
    const { logger } = await import('../../src/util/log.js');
    const log = logger('test:pod', {});
    log.level = 'silent';
    const cfg = [...buildNodeConfigs(resolveText(`
name: t-pod-exit
topology:
  nodes:
    sg1: { kind: damc-sg }
    pod1: { kind: damc-pod, cmd: "sh -c 'exit 3'", services: ["A/1", { name: "Z/9", port: 8080 }] }
  links:
    - endpoints: ["pod1:eth1", "sg1:eth1"]
`)).values()].find((c) => c.node === 'pod1')!;
    const pod = new Pod({ ...cfg, podServices: cfg.podServices!.map((s) => ({ ...s, port: s.app === 'cmd' ? s.port : 0 })) }, log);
    await pod.start(undefined);
    try {
      const down = await new Promise<string[]>((resolve, reject) => {
        pod.onInstancesDown(resolve);
        setTimeout(() => reject(new Error('the exit of the user program was never reported')), 5000);
      });
      assert.deepEqual(down, ['Z/9'], 'only the program\'s own instance, not the built-in A/1');
      const again: string[] = [];
      pod.onInstancesDown((l) => again.push(...l));
      assert.deepEqual(again, ['Z/9'], 'a listener that comes later hears it at once');
    } finally {
      pod.stop();
    }
  });
});
