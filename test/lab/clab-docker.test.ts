/**
 * containerlab files on the real Docker engine (@docker): every positive corpus file deploys
 * with --image-fallback and its links are as declared inside the containers, destroy leaves
 * nothing; the negative file is refused with nothing created; exec, env, stages and mixed-in
 * DAMC nodes, looked at from inside. The corpus is $DAMC_CLAB_CORPUS or ../shared/clab-corpus.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { tryClabFile } from '../../src/lab/clab-compat.js';
import { dockerContext, Lab, LABEL_LAB, PROJECT_DIR } from '../../src/lab/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { clabCorpus } from '../topology/clab-corpus.js';

const ctx = dockerContext();
const run = promisify(execFile);

/**
 * Files of the corpus that cannot deploy, with the reason they must fail for. Any other file,
 * including ones added later, must deploy.
 */
const EXPECTED_FAILURES: Record<string, { code: string; fragments: string[] }> = {
  // Its mgmt-ipv4 addresses lie outside the default management subnet (Docker, and so
  // containerlab, refuses them too); refused before anything is created.
  'core__test_data__topo10.yml': { code: 'CLAB_MGMT_ADDRESS', fragments: ['172.100.100.11', '172.20.20.0/24'] },
  // Its exec runs `apk add`: alpine's package manager, which the lab image standing in for
  // alpine:3 has not. The failing exec must fail the deploy, naming the node and the command.
  'tests__08-vxlan__03-vxlan-tools.clab.yml': { code: 'EXEC_FAILED', fragments: ['exec command', 'apk add iproute2', 'exited with 12'] },
};

async function inside(lab: Lab, node: string, cmd: string[]): Promise<string> {
  let out = '';
  const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
  const code = await lab.exec(node, cmd, { stdout: sink, stderr: sink });
  assert.equal(code, 0, `${node}: ${cmd.join(' ')}: ${out}`);
  return out;
}

describe('containerlab files @docker', function () {
  this.timeout(240_000);
  let dir: string;
  before(async () => {
    dir = clabCorpus();
    await ctx.runtime.ping();
  });

  it('every positive corpus file deploys with --image-fallback, links as declared inside, destroy leaves nothing', async () => {
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    assert.ok(files.length >= 12, `corpus has ${files.length} files`);
    const bad: string[] = [];
    for (const f of files) {
      const r = await tryClabFile(join(dir, f), ctx);
      const want = EXPECTED_FAILURES[f];
      if (want) {
        const ok = r.outcome === 'failed' && r.detail.startsWith(`${want.code}:`) && want.fragments.every((x) => r.detail.includes(x)) && r.problems.length === 0;
        if (!ok) bad.push(`${f}: expected ${want.code} with ${want.fragments.join(', ')}; got ${r.outcome} ${r.detail} ${r.problems.join('; ')}`);
      } else if (r.outcome !== 'deployed') {
        bad.push(`${f}: ${r.outcome}: ${r.detail} ${r.problems.join('; ')}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the negative file is refused, with nothing created', async () => {
    for (const f of readdirSync(join(dir, 'negative')).filter((x) => /\.ya?ml$/.test(x))) {
      const r = await tryClabFile(join(dir, 'negative', f), ctx, true);
      assert.equal(r.outcome, 'refused', `${f}: ${r.detail}`);
      assert.deepEqual(r.problems, []);
    }
  });

  it('01-linux-nodes: exec output, env, binds, cmd with the shell variable, MACs, MTUs, management addresses', async () => {
    const lab = Lab.fromFile(join(dir, 'tests__01-smoke__01-linux-nodes.clab.yml'), ctx);
    try {
      const r = await lab.deploy({ imageFallback: true });
      assert.deepEqual(r.substitutions!.map((s) => `${s.node}:${s.image}`), ['l1:alpine:3', 'l2:nginx:stable-alpine', 'l3:nginx:stable-alpine']);
      assert.deepEqual(r.execs!.map((e) => [e.node, e.command, e.exitCode]), [['l1', 'echo this_is_an_exec_test', 0], ['l1', 'cat /etc/os-release', 0]]);
      assert.equal(r.execs![0]!.output, 'this_is_an_exec_test\n');
      assert.match(r.execs![1]!.output, /^ID=/m);
      assert.deepEqual(r.nodes.map((n) => n.container), ['clab-2-linux-nodes-l1', 'clab-2-linux-nodes-l2', 'clab-2-linux-nodes-l3']);
      assert.equal(await inside(lab, 'l1', ['cat', '/tmp/var']), 'MYVAR is SET\n'); // $MYVAR reached the container's shell
      assert.equal(await inside(lab, 'l1', ['cat', '/01-test.txt']), 'Hello, containerlab');
      const env = await inside(lab, 'l1', ['env']);
      assert.match(env, /^MYVAR=MYVAR is SET$/m);
      assert.match(env, /^CLAB_INTFS=3$/m);
      const l1 = JSON.parse(await inside(lab, 'l1', ['ip', '-j', 'addr', 'show'])) as { ifname: string; mtu: number; address: string; addr_info: { local: string }[] }[];
      const by = (n: string) => l1.find((i) => i.ifname === n)!;
      assert.deepEqual([by('eth1').mtu, by('eth2').mtu, by('eth3').mtu], [2000, 9500, 9500]);
      assert.equal(by('eth3').address, '02:00:00:00:00:00');
      assert.deepEqual(by('eth0').addr_info.map((a) => a.local).filter((a) => !a.startsWith('fe80')), ['172.20.20.99', '3fff:172:20:20::99']);
      const l2 = JSON.parse(await inside(lab, 'l2', ['ip', '-j', 'link', 'show'])) as { ifname: string; address: string; mtu: number }[];
      assert.deepEqual(['some1', 'eth2', 'eth3', 'eth4', 'eth5', 'somedummy'].filter((n) => !l2.some((i) => i.ifname === n)), []);
      assert.equal(l2.find((i) => i.ifname === 'eth5')!.address, '02:00:00:00:00:05');
      const { stdout } = await run('ip', ['-j', 'link', 'show', 'l2eth5mgmt']);
      const master = (JSON.parse(stdout) as { master?: string }[])[0]!.master;
      assert.equal(master, (await ctx.runtime.network('clab'))!.bridge, 'the mgmt-net host end is a port of the management bridge');
    } finally {
      await lab.destroy();
    }
    assert.equal((await ctx.runtime.list({ [LABEL_LAB]: '2-linux-nodes' })).length, 0);
    assert.equal(await ctx.runtime.network('clab'), undefined);
    assert.equal(existsSync('/sys/class/net/l2eth4'), false);
  });

  it('stages: wait-for orders container creation (node4, node3, node2, node1), host and container stage exec run', async () => {
    rmSync('/tmp/host-exec-test', { force: true });
    const lab = Lab.fromFile(join(dir, 'tests__01-smoke__stages.clab.yml'), ctx);
    try {
      const r = await lab.deploy({ imageFallback: true });
      const t = await Promise.all(['node1', 'node2', 'node3', 'node4'].map(async (n) => BigInt((await inside(lab, n, ['cat', '/tmp/time'])).trim())));
      assert.ok(t[3]! < t[2]! && t[2]! < t[1]! && t[1]! < t[0]!, `creation times ${t.join(', ')}`);
      assert.equal(readFileSync('/tmp/host-exec-test', 'utf8'), 'foo\n');
      const ls = r.execs!.find((e) => e.node === 'node1' && e.command === 'ls /sys/class/net/')!;
      assert.ok(ls, 'node1 create-links on-enter exec ran');
      assert.deepEqual(r.execs!.filter((e) => e.node === 'node4').map((e) => [e.where, e.output.trim()]),
        [['create-links on-exit', 'node4'], ['healthy on-exit', 'hey I am exiting healthy stage']]);
    } finally {
      await lab.destroy();
      rmSync('/tmp/host-exec-test', { force: true });
    }
  });

  it('a failing exec fails the deploy naming the node and the command, and removes the lab', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clab-exec-'));
    try {
      const f = join(d, 'x.clab.yml');
      writeFileSync(f, `name: t-clab-${process.pid}\ntopology:\n  nodes:\n    a: { kind: linux, exec: ["echo ok", "sh -c 'echo broken >&2; exit 3'"] }\n`);
      await assert.rejects(Lab.fromFile(f, ctx).deploy({ imageFallback: true }),
        (e: Error) => /node a: exec command 'sh -c 'echo broken >&2; exit 3'' exited with 3: broken/.test(e.message));
      assert.equal((await ctx.runtime.list({ [LABEL_LAB]: `t-clab-${process.pid}` })).length, 0);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a bridge inside a node (<bridge>|<node>) carries traffic between two other nodes', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clab-br-'));
    const name = `t-br-${process.pid}`;
    const f = join(d, 'br.clab.yml');
    writeFileSync(f, `name: ${name}\ntopology:\n  nodes:\n    sw: { kind: linux }\n    br0|sw: { kind: bridge }\n` +
      '    h1: { kind: linux, exec: ["ip addr add 10.9.0.1/24 dev eth1"] }\n    h2: { kind: linux }\n' +
      '  links:\n    - endpoints: ["h1:eth1", "br0|sw:p1"]\n    - endpoints: ["h2:eth1", "br0|sw:p2"]\n      ipv4: [10.9.0.2/24]\n');
    const lab = Lab.fromFile(f, ctx);
    try {
      await lab.deploy();
      const ports = JSON.parse(await inside(lab, 'sw', ['ip', '-j', 'link', 'show', 'master', 'br0'])) as { ifname: string }[];
      assert.deepEqual(ports.map((p) => p.ifname).sort(), ['p1', 'p2']);
      assert.match(await inside(lab, 'h1', ['ping', '-c1', '-W2', '10.9.0.2']), /1 received/);
    } finally {
      await lab.destroy();
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('DAMC nodes mix into a containerlab file: routers converge over its links, stay off the management network', async () => {
    const d = mkdtempSync(join(tmpdir(), 'clab-mix-'));
    const name = `t-mix-${process.pid}`;
    const f = join(d, 'mix.clab.yml');
    writeFileSync(f, `name: ${name}\ntopology:\n  nodes:\n    sr1: { kind: damc-sr }\n    sr2: { kind: damc-sr }\n    h1: { kind: linux }\n` +
      '  links:\n    - endpoints: ["sr1:eth1", "sr2:eth1"]\n    - endpoints: ["h1:eth1", "sr1:eth2"]\n');
    const lab = Lab.fromFile(f, ctx);
    try {
      await lab.deploy();
      assert.equal(loadTopology(f).links[0]!.mtu, 9500);
      const srLinks = await inside(lab, 'sr1', ['ip', '-o', 'link', 'show']);
      assert.doesNotMatch(srLinks, /eth0/, 'no management interface on a DAMC node');
      assert.match(await inside(lab, 'h1', ['ip', '-o', '-4', 'addr', 'show', 'eth0']), /172\.20\.20\./);
      let last = '';
      for (let i = 0; i < 50; i++) {
        const r = await run(join(PROJECT_DIR, 'lab'), ['ping', '--lab', name, 'sr1', '/damc/router/sr2', '--json']).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
        last = r.stdout;
        if (/"result":"ok"/.test(last)) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      assert.match(last, /"result":"ok"/, 'sr1 reaches /damc/router/sr2');
    } finally {
      await lab.destroy();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
