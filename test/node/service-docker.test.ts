/**
 * The service plane's data side on the real thing: figure2 in Docker plus pod5 behind sg2,
 * which runs a user's own HTTP server (busybox httpd, unchanged) through `cmd:`. Clients are
 * plain curl inside the pods, through HTTP_PROXY (their SG), as a person would run them.
 * Loss is made with nft netdev ingress rules inside the nodes (`numgen random mod 100 < 5`):
 * this kernel has no sch_netem, so `tc … netem` is not available here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab, PROJECT_DIR } from '../../src/lab/index.js';
import { exec, inNetns, pidOf, run } from './lab-routing.js';

const INSTANCES: Record<string, string[]> = { A: ['A/1', 'A/2', 'A/4'], B: ['B/1', 'B/3', 'B/4'], C: ['C/2', 'C/3'] };

async function lossy(pid: number, iface: string, percent: number | undefined): Promise<void> {
  const table = `damc_loss_${iface}`;
  if (percent === undefined) return inNetns(pid, ['nft', 'delete', 'table', 'netdev', table]);
  await inNetns(pid, ['nft', 'add', 'table', 'netdev', table]);
  await inNetns(pid, ['nft', 'add', 'chain', 'netdev', table, 'in', `{ type filter hook ingress device ${iface} priority 0; policy accept; }`]);
  await inNetns(pid, ['nft', 'add', 'rule', 'netdev', table, 'in', `numgen random mod 100 < ${percent} drop`]);
}

describe('service plane @docker figure2 + a user program', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-svc-docker-'));
  const file = join(dir, 'figure2-svc.yaml');
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'index.html'), 'hello from busybox httpd\n');
  writeFileSync(join(dir, 'www', 'healthz'), 'ok\n');
  writeFileSync(file, readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8')
    .replace('    pod4: { kind: damc-pod, services: ["A/4", "B/4"] }\n',
      '    pod4: { kind: damc-pod, services: ["A/4", "B/4"] }\n' +
      `    pod5: { kind: damc-pod, cmd: "busybox httpd -f -p 8080 -h /srv/www", binds: ["${join(dir, 'www')}:/srv/www:ro"], services: [{ name: Z/9, port: 8080, health: /healthz }] }\n`)
    .replace('  links:\n', '  links:\n    - endpoints: ["pod5:eth1", "sg2:eth5"]\n'));
  const lab = Lab.fromFile(file, dockerContext(), { name: `t-svc-${process.pid}` });
  const curl = (pod: string, args: string[]) => run(lab, pod, ['curl', '-sS', '--fail-with-body', '--max-time', '30', ...args]);

  before(async () => {
    await lab.deploy();
    const t0 = Date.now();
    // Routers converge and programs start within seconds on a quiet machine; a 2-core machine
    // shared with other work can take far longer, hence the wide bound.
    // Ready means every instance is granted and routed, not just the first: each SG asks its SPA
    // on its own, and an SG whose SPA started later retries with backoff.
    const hosts = [...Object.values(INSTANCES).flat().map((i) => `${i.split('/')[1]}.${i.split('/')[0]}`), '9.Z'];
    const probe = `for h in ${hosts.join(' ')}; do curl -s -o /dev/null -w "$h:%{http_code} " --max-time 10 "http://$h/healthz"; done`;
    for (;;) {
      const r = await run(lab, 'pod1', ['bash', '-c', probe]);
      if (hosts.every((h) => r.out.includes(`${h}:200`))) break;
      if (Date.now() - t0 > 90_000) throw new Error(`from pod1, not every instance answers /healthz 90 s after deploy:\n${r.out}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    console.log(`      every instance reachable from pod1 after ${Date.now() - t0} ms`);
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every pod reaches every service by name and every instance by its spelling (curl, HTTP_PROXY)', async () => {
    const urls = Object.entries(INSTANCES).flatMap(([svc, insts]) => [`http://${svc}/echo`, ...insts.map((i) => `http://${i.split('/')[1]}.${svc}/echo`)]);
    const script = `for u in ${urls.join(' ')}; do printf '%s ' "$u"; curl -sS --fail-with-body --max-time 20 "$u" | tr -d '\\n'; echo; done`;
    for (const pod of ['pod1', 'pod2', 'pod3', 'pod4', 'pod5']) {
      const r = await run(lab, pod, ['bash', '-c', script]);
      const lines = r.out.trim().split('\n');
      assert.equal(lines.length, urls.length, r.out);
      for (const line of lines) {
        const [url, json] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
        const host = /^http:\/\/([^/]+)/.exec(url)![1]!;
        let j: { instance?: string; path?: string };
        try { j = JSON.parse(json) as typeof j; } catch { assert.fail(`${pod} ${url}: ${json}`); }
        const want = host.includes('.') ? [`${host.split('.')[1]}/${host.split('.')[0]}`] : INSTANCES[host]!;
        assert.ok(want.includes(j.instance!), `${pod} ${url} answered by ${j.instance}`);
        assert.equal(j.path, '/echo');
      }
    }
  });

  it('a user\'s own HTTP server (busybox httpd via cmd:) is reached by name from another pod', async () => {
    const r = await curl('pod1', ['http://Z/']);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, 'hello from busybox httpd\n');
    const h = await curl('pod3', ['http://9.Z/healthz']);
    assert.equal(h.out, 'ok\n');
    // The pod program still runs beside it (its control socket answers).
    const ls = await exec(join(PROJECT_DIR, 'lab'), ['service', 'ls', '--lab', lab.name, 'pod5', '--json']);
    assert.deepEqual((JSON.parse(ls.stdout) as { instance: string; app: string }[]).map((s) => [s.instance, s.app]), [['Z/9', 'cmd']]);
  });

  it('errors come back as HTTP: 404 for a service no gateway advertises, with the reason', async () => {
    const r = await curl('pod1', ['-o', '/dev/null', '-w', '%{http_code}', 'http://Nope/x']);
    assert.equal(r.out.trim().slice(-3), '404');
    const b = await curl('pod1', ['http://7.B/x']);
    assert.match(b.out, /unknown service \/B\/7: no gateway advertises it/);
  });

  it('keep-alive: one curl with two URLs re-uses its connection to the proxy', async () => {
    const r = await run(lab, 'pod1', ['curl', '-sv', '-o', '/dev/null', '-o', '/dev/null', 'http://A/echo', 'http://C/echo']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Re-using existing connection/);
    assert.equal((r.out.match(/< HTTP\/1.1 200 OK/g) ?? []).length, 2, r.out);
  });

  it('`lab call` prints the body; `lab service set` makes an instance slow, then failing', async () => {
    const lab_ = join(PROJECT_DIR, 'lab');
    const c = await exec(lab_, ['call', '--lab', lab.name, 'pod2', 'http://4.B/echo', '-d', 'from lab call']);
    assert.equal((JSON.parse(c.stdout) as { body: string; instance: string }).body, 'from lab call');
    // curl options before the URL reach curl too, in order
    const put = await exec(lab_, ['call', '--lab', lab.name, 'pod2', '-X', 'PUT', '-H', 'x-test: 1', 'http://4.B/echo', '-d', 'x']);
    const echoed = JSON.parse(put.stdout) as { method: string; headers: Record<string, string> };
    assert.equal(echoed.method, 'PUT');
    assert.equal(echoed.headers['x-test'], '1');
    await exec(lab_, ['service', 'set', '--lab', lab.name, 'pod4', 'B/4', '--delay', '300ms']);
    const t0 = Date.now();
    await exec(lab_, ['call', '--lab', lab.name, 'pod1', 'http://4.B/echo']);
    assert.ok(Date.now() - t0 >= 300, `slow call took ${Date.now() - t0} ms`);
    await exec(lab_, ['service', 'set', '--lab', lab.name, 'pod4', 'B/4', '--delay', '0', '--error-rate', '1']);
    const f = await exec(lab_, ['call', '--lab', lab.name, 'pod1', 'http://4.B/echo']).then(() => 0, (e: { code: number; stdout: string }) => e);
    assert.notEqual(f, 0);
    assert.match((f as { stdout: string }).stdout, /injected failure/);
    await exec(lab_, ['service', 'set', '--lab', lab.name, 'pod4', 'B/4', '--error-rate', '0']);
  });

  it('an 8 MiB body round-trips intact between pod1 and B/4 (sha256 compared)', async () => {
    const t0 = Date.now();
    const r = await run(lab, 'pod1', ['bash', '-c',
      'head -c 8388608 /dev/urandom > /tmp/big && sha256sum < /tmp/big && curl -sS --fail-with-body --max-time 60 --data-binary @/tmp/big -H "content-type: application/octet-stream" http://4.B/raw | sha256sum']);
    const ms = Date.now() - t0;
    const [sent, back] = r.out.trim().split('\n');
    assert.equal(r.code, 0, r.out);
    assert.match(sent!, /^[0-9a-f]{64}/);
    assert.equal(back, sent);
    console.log(`      8 MiB up and back in ${ms} ms (${(16 * 8 / (ms / 1000)).toFixed(0)} Mbit/s both ways)`);
  });

  it('5% loss on the SG-1 – SR-1 link (both directions): 200 sequential calls all succeed', async () => {
    const sg1 = await pidOf(lab, 'sg1');
    const sr1 = await pidOf(lab, 'sr1');
    const before = JSON.parse((await exec(join(PROJECT_DIR, 'lab'), ['counters', '--lab', lab.name, 'sg1', '--json'])).stdout) as { router: Record<string, number> };
    await lossy(sg1, 'eth3', 5);
    await lossy(sr1, 'eth1', 5);
    try {
      const t0 = Date.now();
      const r = await run(lab, 'pod1', ['bash', '-c', 'for i in $(seq 200); do curl -sS -o /dev/null --max-time 30 -w "%{http_code}\\n" "http://4.B/echo?i=$i"; done']);
      const codes = r.out.trim().split('\n');
      const ms = Date.now() - t0;
      assert.equal(codes.length, 200, r.out);
      assert.deepEqual(codes.filter((c) => c !== '200'), [], r.out);
      const after = JSON.parse((await exec(join(PROJECT_DIR, 'lab'), ['counters', '--lab', lab.name, 'sg1', '--json'])).stdout) as { router: Record<string, number> };
      const retx = after.router.dataRetransmitted! - before.router.dataRetransmitted!;
      console.log(`      200 calls in ${ms} ms under 5% loss; sg1 retransmitted ${retx} segments`);
      assert.ok(retx > 0, 'losses were repaired by retransmission');
      const t1 = Date.now();
      const big = await run(lab, 'pod1', ['bash', '-c',
        'head -c 8388608 /dev/urandom > /tmp/big && sha256sum < /tmp/big && curl -sS --fail-with-body --max-time 60 --data-binary @/tmp/big http://4.B/raw | sha256sum']);
      const [sent, back] = big.out.trim().split('\n');
      assert.equal(back, sent, big.out);
      console.log(`      8 MiB up and back under the same loss in ${Date.now() - t1} ms`);
    } finally {
      await lossy(sg1, 'eth3', undefined).catch(() => undefined);
      await lossy(sr1, 'eth1', undefined).catch(() => undefined);
    }
  });
});
