/**
 * End-to-end on the real Docker engine: what a user checks after `lab deploy`, looked at from
 * inside the containers. Lab names are unique (t-lab-<pid>-…) and every lab is destroyed in
 * after(), also when a test fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { dockerContext, Lab, LABEL_LAB, PROJECT_DIR } from '../../src/lab/index.js';
import { LabError } from '../../src/util/errors.js';
import { NODE_ENTRY } from '../../src/topology/builtin-kinds.js';

const ctx = dockerContext();
const tag = `t-lab-${process.pid}`;

interface IpLinkJson { ifindex: number; ifname: string; operstate: string; mtu: number; link_index?: number }

function collect(): { stream: Writable; text: () => string } {
  let s = '';
  return { stream: new Writable({ write: (c: Buffer, _e, cb) => ((s += c.toString()), cb()) }), text: () => s };
}

async function run(lab: Lab, node: string, cmd: string[]): Promise<{ code: number; out: string }> {
  const o = collect();
  const code = await lab.exec(node, cmd, { stdout: o.stream, stderr: o.stream });
  return { code, out: o.text() };
}

async function linksInside(lab: Lab, node: string): Promise<IpLinkJson[]> {
  const r = await run(lab, node, ['ip', '-j', 'link', 'show']);
  assert.equal(r.code, 0, r.out);
  return JSON.parse(r.out) as IpLinkJson[];
}

/** Interface → IPv4 addresses (CIDR form), lo left out, read with `ip -j addr` inside the node. */
async function ipv4Inside(lab: Lab, node: string): Promise<Record<string, string[]>> {
  const r = await run(lab, node, ['ip', '-j', '-4', 'addr', 'show']);
  assert.equal(r.code, 0, r.out);
  const out: Record<string, string[]> = {};
  for (const l of JSON.parse(r.out) as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[]) {
    if (l.ifname !== 'lo' && l.addr_info?.length) out[l.ifname] = l.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
  }
  return out;
}

/** Every topology link, seen from inside both containers: present, UP, right MTU, paired. */
async function assertLinks(lab: Lab): Promise<void> {
  const topo = lab.topology!;
  const seen = new Map<string, IpLinkJson[]>();
  for (const n of topo.nodes.keys()) seen.set(n, await linksInside(lab, n));
  for (const l of topo.links) {
    const a = seen.get(l.a.node.name)!.find((i) => i.ifname === l.a.name);
    const b = seen.get(l.b.node.name)!.find((i) => i.ifname === l.b.name);
    const what = `${l.a.node.name}:${l.a.name} <-> ${l.b.node.name}:${l.b.name}`;
    assert.ok(a && b, `${what}: both ends exist`);
    assert.equal(a.operstate, 'UP', `${what}: a end up`);
    assert.equal(b.operstate, 'UP', `${what}: b end up`);
    assert.equal(a.mtu, l.mtu, `${what}: MTU`);
    assert.equal(b.mtu, l.mtu, `${what}: MTU`);
    // A veth names its peer's ifindex: the two ends really are each other's peer.
    assert.equal(a.link_index, b.ifindex, `${what}: a's peer is b`);
    assert.equal(b.link_index, a.ifindex, `${what}: b's peer is a`);
  }
  for (const [n, ls] of seen) {
    const expected = topo.nodes.get(n)!.interfaces.map((i) => i.name).sort();
    assert.deepEqual(ls.map((l) => l.ifname).filter((x) => x !== 'lo').sort(), expected, `${n} has exactly its interfaces`);
  }
}

function hostVeths(): string[] {
  const out = execFileSync('ip', ['-j', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' });
  return (JSON.parse(out || '[]') as { ifname: string }[]).map((l) => l.ifname);
}

/** The veths a deployed lab really has: each end, read inside its node, with its namespace. */
interface MadeVeth { node: string; ifname: string; ifindex: number; peerIndex: number; netns: string }

async function vethsMade(lab: Lab): Promise<MadeVeth[]> {
  const out: MadeVeth[] = [];
  for (const n of await lab.inspect()) {
    const netns = readlinkSync(`/proc/${n.pid}/ns/net`); // "net:[4026532…]"
    const j = execFileSync('nsenter', ['-t', String(n.pid), '-n', 'ip', '-j', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' });
    for (const l of JSON.parse(j || '[]') as { ifname: string; ifindex: number; link_index: number }[]) {
      out.push({ node: n.node, ifname: l.ifname, ifindex: l.ifindex, peerIndex: l.link_index, netns });
    }
  }
  // Exactly two ends per topology link, each the other's peer: the list is what deploy made.
  assert.equal(out.length, 2 * lab.topology!.links.length, 'two veth ends per link');
  for (const v of out) assert.ok(out.some((w) => w !== v && w.ifindex === v.peerIndex && w.peerIndex === v.ifindex), `${v.node}:${v.ifname} has its peer`);
  return out;
}

/** Network namespaces some process on this machine still holds. */
function liveNetns(): Set<string> {
  const out = new Set<string>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { out.add(readlinkSync(`/proc/${p}/ns/net`)); } catch { /* gone meanwhile */ }
  }
  return out;
}

async function assertGone(lab: Lab, made: MadeVeth[]): Promise<void> {
  assert.deepEqual(await ctx.runtime.list({ [LABEL_LAB]: lab.name }), [], 'no container carries the lab label');
  assert.ok(!existsSync(lab.dir), 'lab directory removed');
  // A veth lives as long as both of its namespaces: once no process holds the namespaces the
  // deploy's veths were made in, none of them can be left anywhere.
  assert.ok(made.length > 0);
  const live = liveNetns();
  const left = made.filter((v) => live.has(v.netns)).map((v) => `${v.node}:${v.ifname} in ${v.netns}`);
  assert.deepEqual(left, [], 'veths whose namespace is still alive');
  // And none was ever in the host namespace under a lab interface name.
  const names = new Set(made.map((v) => v.ifname));
  assert.deepEqual(hostVeths().filter((v) => names.has(v)), []);
}

describe('lab @docker end-to-end', function () {
  this.timeout(180_000);
  const labs: Lab[] = [];
  const open = (file: string, suffix: string) => {
    const lab = Lab.fromFile(join(PROJECT_DIR, file), ctx, { name: `${tag}-${suffix}` });
    labs.push(lab);
    return lab;
  };
  after(async () => {
    for (const l of labs) await l.destroy().catch(() => undefined);
  });

  it('line3: deploys, links are up from inside, exec returns exit codes, traffic crosses a link, destroy leaves nothing', async () => {
    const lab = open('topologies/line3.yaml', 'l3');
    const r = await lab.deploy();
    assert.equal(r.nodes.length, 3);
    await assertLinks(lab);
    assert.equal((await lab.deploy()).alreadyUp, true, 'second deploy changes nothing');

    const e = await run(lab, 'b', ['sh', '-c', 'echo out-$(hostname); echo err >&2; exit 7']);
    assert.equal(e.code, 7);
    assert.match(e.out, /out-b/);
    assert.match(e.out, /err/);
    assert.equal((await run(lab, 'a', ['true'])).code, 0);

    assert.equal((await run(lab, 'a', ['ip', 'addr', 'add', '10.99.0.1/30', 'dev', 'eth1'])).code, 0);
    assert.equal((await run(lab, 'b', ['ip', 'addr', 'add', '10.99.0.2/30', 'dev', 'eth1'])).code, 0);
    const ping = await run(lab, 'a', ['ping', '-c', '1', '-W', '2', '10.99.0.2']);
    assert.equal(ping.code, 0, ping.out);
    // c is on another link: no route from a
    assert.notEqual((await run(lab, 'c', ['ping', '-c', '1', '-W', '1', '10.99.0.1'])).code, 0);

    const st = await lab.inspect();
    assert.deepEqual(st.map((n) => [n.node, n.kind, n.state, n.container]), [
      ['a', 'linux', 'running', `damc-${lab.name}-a`], ['b', 'linux', 'running', `damc-${lab.name}-b`], ['c', 'linux', 'running', `damc-${lab.name}-c`]]);
    assert.ok(st.every((n) => n.pid > 0));

    const made = await vethsMade(lab);
    const d = await lab.destroy();
    assert.equal(d.removed.length, 3);
    await assertGone(lab, made);
  });

  it('figure2: 16 nodes, 19 links up from inside; configs, read-only project and node program in place; pod1 reaches sg1 over its addressed link', async () => {
    const lab = open('topologies/figure2.yaml', 'f2');
    const r = await lab.deploy();
    console.log(`      figure2 deploy ${r.seconds} s ${JSON.stringify(r.phases)}`);
    assert.equal(r.nodes.length, 16);
    await assertLinks(lab);

    const cfg = await run(lab, 'sg4', ['cat', '/etc/damc/node.json']);
    const parsed = JSON.parse(cfg.out) as { node: string; prefixes: string[]; routerName: string };
    assert.equal(parsed.node, 'sg4');
    assert.equal(parsed.routerName, '/damc/router/sg4');
    assert.deepEqual(parsed.prefixes, ['/A', '/A/4', '/B', '/B/4']);
    assert.notEqual((await run(lab, 'sr1', ['touch', '/opt/damc/x'])).code, 0, '/opt/damc is read-only');
    assert.equal((await run(lab, 'sr1', ['test', '-f', '/opt/damc/dist/src/node/main.js'])).code, 0);
    const ps = await run(lab, 'sr2', ['ps', '-eo', 'args']);
    assert.ok(ps.out.split('\n').some((l) => /^node (--\S+ )*(\S+)$/.exec(l)?.[2] === NODE_ENTRY), `the router program runs (with its V8 flags): ${NODE_ENTRY} in\n${ps.out}`);
    // At least one DAMC frame (Hellos flow every 100 ms): `-c 1` exits 0 after the first one,
    // while `timeout` ends a capture that saw none with 124.
    const tcpdump = await run(lab, 'sr3', ['timeout', '3', 'tcpdump', '-c', '1', '-nn', '-e', '-i', 'eth1', 'ether', 'proto', '0x88b5']);
    assert.equal(tcpdump.code, 0, `tcpdump saw no 0x88b5 frame: ${tcpdump.out}`);
    assert.match(tcpdump.out, /ethertype Unknown \(0x88b5\)|0x88b5/, tcpdump.out);
    assert.match(tcpdump.out, /1 packet captured/, tcpdump.out);

    const inspect = await lab.inspect();
    assert.equal(inspect.length, 16);
    assert.ok(inspect.every((n) => n.state === 'running' && n.interfaces.every((i) => i.state === 'UP' && i.mtu === 9000)));

    // The pod address plan, looked at from inside: sg1 eth1 10.200.0.1/30, pod1 eth1 10.200.0.2/30.
    assert.deepEqual(await ipv4Inside(lab, 'sg1'), { eth1: ['10.200.0.1/30'] }, 'only the pod link of sg1 is addressed');
    assert.deepEqual(await ipv4Inside(lab, 'pod1'), { eth1: ['10.200.0.2/30'] });
    assert.deepEqual(await ipv4Inside(lab, 'pod4'), { eth1: ['10.200.0.14/30'] });
    assert.deepEqual(await ipv4Inside(lab, 'sr1'), {}, 'fabric links carry no IP');
    const route = await run(lab, 'pod1', ['ip', '-j', 'route', 'show', 'default']);
    assert.deepEqual((JSON.parse(route.out) as { gateway?: string; dev?: string }[]).map((r) => [r.gateway, r.dev]),
      [['10.200.0.1', 'eth1']], "pod1's default route points at sg1");
    const ping = await run(lab, 'pod1', ['ping', '-c1', '-W2', '10.200.0.1']);
    assert.equal(ping.code, 0, ping.out);
    const ifOf = (node: string, name: string) => inspect.find((n) => n.node === node)!.interfaces.find((i) => i.name === name)!;
    assert.equal(ifOf('pod1', 'eth1').ipv4, '10.200.0.2/30', 'inspect reads the address from inside');
    assert.equal(ifOf('sg1', 'eth1').ipv4, '10.200.0.1/30');
    assert.equal(ifOf('sg1', 'eth3').ipv4, undefined);
    const cli = spawnSync(join(PROJECT_DIR, 'lab'), ['inspect', '--lab', lab.name], { encoding: 'utf8', cwd: PROJECT_DIR });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /^NODE .* MTU +IPV4$/m);
    assert.match(cli.stdout, /^sg1 .* eth1 -> pod1:eth1 +UP +9000 +10\.200\.0\.1\/30$/m);

    const made = await vethsMade(lab);
    const d = await lab.destroy();
    console.log(`      figure2 destroy ${d.seconds} s`);
    await assertGone(lab, made);
  });

  it('a node whose image does not exist: deploy fails naming it and removes what it created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 't-lab-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, `name: bad
topology:
  nodes:
    a: { kind: linux }
    b: { kind: linux }
    c: { kind: linux, image: "t-lab-no-such-image:404" }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["b:eth2", "c:eth1"]
`);
      const lab = Lab.fromFile(file, ctx, { name: `${tag}-bad` });
      labs.push(lab);
      let err: unknown;
      await lab.deploy().catch((e: unknown) => (err = e));
      assert.ok(err instanceof LabError);
      assert.equal(err.code, 'DEPLOY_FAILED');
      assert.match(err.message, /on node c: .*t-lab-no-such-image:404 .*does not exist/);
      assert.deepEqual(await ctx.runtime.list({ [LABEL_LAB]: lab.name }), []);
      assert.ok(!existsSync(lab.dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the lab CLI: deploy, exec streams output and returns the exit code, exec -i feeds stdin, inspect --format json, destroy', async () => {
    const name = `${tag}-cli`;
    labs.push(new Lab(name, ctx, Lab.fromFile(join(PROJECT_DIR, 'topologies/line3.yaml'), ctx, { name }).topology));
    const lab = (args: string[]) => spawnSync(join(PROJECT_DIR, 'lab'), args, { encoding: 'utf8', cwd: PROJECT_DIR });
    const d = lab(['deploy', 'topologies/line3.yaml', '--name', name]);
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`deployed lab ${name}: 3 containers, 2 links in [0-9.]+ s`));
    const e = lab(['exec', '--lab', name, 'c', '--', 'sh', '-c', 'echo hello from $(hostname); exit 3']);
    assert.equal(e.status, 3);
    assert.equal(e.stdout, 'hello from c\n');
    const piped = spawnSync(join(PROJECT_DIR, 'lab'), ['exec', '-i', '--lab', name, 'a', '--', 'sh'],
      { encoding: 'utf8', input: 'read x; echo "got $x on $(hostname)"; exit 4\nhello\n' });
    assert.equal(piped.status, 4, piped.stderr);
    assert.equal(piped.stdout, 'got hello on a\n');
    const i = lab(['inspect', '--lab', name, '--format', 'json']);
    const nodes = JSON.parse(i.stdout) as { node: string; interfaces: { name: string; peer: string; state: string }[] }[];
    assert.deepEqual(nodes.find((n) => n.node === 'b')!.interfaces, [
      { name: 'eth1', peer: 'a:eth1', state: 'UP', mtu: 9000 }, { name: 'eth2', peer: 'c:eth1', state: 'UP', mtu: 9000 }]);
    const again = lab(['deploy', 'topologies/line3.yaml', '--name', name]);
    assert.match(again.stdout, /already up/);
    const x = lab(['destroy', '--lab', name]);
    assert.equal(x.status, 0, x.stderr);
    assert.match(x.stdout, /removed 3 containers/);
    const gone = lab(['exec', '--lab', name, 'c', '--', 'true']);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /NODE_NOT_FOUND/);
  });
});
