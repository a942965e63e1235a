import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandMagic } from '../../src/topology/clab/model.js';
import { substituteEnv } from '../../src/topology/clab/env-subst.js';
import { shellWords } from '../../src/topology/clab/shell-words.js';
import { loadTopology, parseTopology, resolveTopology } from '../../src/topology/index.js';
import { clabCorpus } from './clab-corpus.js';
import { rejects } from './rejects.js';

const env = { SET: 'v', EMPTY: '', HOME_DIR: '/root' };

describe('containerlab: environment substitution', () => {
  const cases: [string, string][] = [
    ['${SET}', 'v'], ['$SET', 'v'], ['x$SET/y', 'xv/y'],
    ['${UNSET}', '${UNSET}'], ['$UNSET', '$UNSET'], ['echo $UNSET > /tmp/var', 'echo $UNSET > /tmp/var'],
    ['${UNSET:=d}', 'd'], ['${UNSET:-d}', 'd'], ['${UNSET=d}', 'd'], ['${UNSET-d}', 'd'],
    ['${EMPTY:=d}', 'd'], ['${EMPTY:-d}', 'd'], ['${EMPTY=d}', ''], ['${EMPTY-d}', ''],
    ['${SET:=d}', 'v'], ['${SET:-d}', 'v'], ['${SET=d}', 'v'], ['${SET-d}', 'v'],
    ['${SET+x}', 'x'], ['${SET:+x}', 'x'], ['${EMPTY+x}', 'x'], ['${EMPTY:+x}', ''], ['${UNSET+x}', ''], ['${UNSET:+x}', ''],
    ['${UNSET:-${SET}}', 'v'], ['${UNSET:-$HOME_DIR/lab}', '/root/lab'], ['${UNSET:-}', ''],
    ['$$SET', '$SET'], ['$${SET}', '${SET}'], ['a$$b', 'a$b'], ['$1 $* $', '$1 $* $'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${JSON.stringify(want)}`, () => assert.equal(substituteEnv(input, env), want));
  }
});

describe('containerlab: reading the corpus', () => {
  let dir: string;
  before(() => {
    dir = clabCorpus();
  });
  const file = (f: string) => join(dir, f);

  it('01-linux-nodes: unset $MYVAR in cmd reaches the shell as written; a set one is replaced', () => {
    const f = file('tests__01-smoke__01-linux-nodes.clab.yml');
    const t = loadTopology(f, { env: {} });
    const l1 = t.nodes.get('l1')!;
    assert.deepEqual(l1.cmd, ['ash', '-c', 'echo $MYVAR > /tmp/var && sleep 9999']);
    assert.equal(l1.env.MYVAR, 'MYVAR is SET');
    assert.deepEqual(loadTopology(f, { env: { MYVAR: 'host' } }).nodes.get('l1')!.cmd, ['ash', '-c', 'echo host > /tmp/var && sleep 9999']);
  });

  it('01-linux-nodes: links with default MTU 9500, mtu: 2000, per-endpoint MACs, host, mgmt-net and dummy ends', () => {
    const t = loadTopology(file('tests__01-smoke__01-linux-nodes.clab.yml'), { env: {} });
    assert.deepEqual(t.links.map((l) => [`${l.a.node.name}:${l.a.name}`, `${l.b.node.name}:${l.b.name}`, l.mtu]),
      [['l1:eth1', 'l2:some1', 2000], ['l1:eth2', 'l2:eth2', 9500], ['l1:eth3', 'l2:eth3', 9500]]);
    assert.deepEqual([t.links[2]!.a.mac, t.links[2]!.b.mac], ['02:00:00:00:00:00', '02:00:00:00:00:01']);
    const c = t.clab!;
    assert.equal(c.prefix, 'clab');
    assert.deepEqual(c.links.slice(3).map((l) => [l.type, l.a, l.b?.t, l.b?.ifname, l.mtu]), [
      ['veth', { t: 'node', node: 'l2', ifname: 'eth4', mac: '02:00:00:00:00:04' }, 'host', 'l2eth4', 9500],
      ['veth', { t: 'node', node: 'l2', ifname: 'eth5', mac: '02:00:00:00:00:05' }, 'mgmt-net', 'l2eth5mgmt', 9500],
      ['dummy', { t: 'node', node: 'l2', ifname: 'somedummy', mac: undefined }, undefined, undefined, 9500],
    ]);
    // linux kind: CLAB_INTFS counts the node's endpoints, restart-policy defaults to always
    assert.equal(t.nodes.get('l2')!.env.CLAB_INTFS, '6');
    assert.equal(t.nodes.get('l1')!.clab!.restartPolicy, 'always');
    assert.deepEqual([t.nodes.get('l1')!.clab!.mgmtIpv4, t.nodes.get('l1')!.clab!.mgmtIpv6], ['172.20.20.99', '3fff:172:20:20::99']);
    assert.equal(t.nodes.get('l3')!.clab!.networkMode, 'host');
    assert.deepEqual(t.nodes.get('l1')!.binds, [`${dir}/01-test.txt:/01-test.txt`, `${dir}/01-test.json:/test.json`]);
  });

  it('24-basic-groups: defaults.group gives the null node l3 its group g3 (and the kind linux); groups carry every key', () => {
    const t = loadTopology(file('tests__01-smoke__24-basic-groups.clab.yaml'), { env: {} });
    const [l1, l2, l3] = ['l1', 'l2', 'l3'].map((n) => t.nodes.get(n)!);
    assert.deepEqual([l1!.kind.name, l2!.kind.name, l3!.kind.name], ['linux', 'linux', 'linux']);
    assert.deepEqual([l1!.image, l2!.image, l3!.image], ['alpine:3', 'nginx:stable-alpine', 'nginx:stable-alpine']);
    assert.equal(l3!.clab!.networkMode, 'host');
    assert.equal(l1!.clab!.networkMode, undefined);
    assert.deepEqual(l1!.clab!.exec, ['echo this_is_an_exec_test', 'cat /etc/os-release']);
    assert.equal(l1!.clab!.cgroupParent, 'containerlab-smoke.slice');
    assert.equal(l1!.clab!.cpu, 1.5);
    assert.equal(l1!.clab!.memory, '1G');
    assert.equal(l1!.clab!.mgmtIpv4, '172.20.20.99');
    assert.deepEqual(l2!.clab!.ports, ['56180:80']);
    assert.deepEqual(l2!.clab!.dns, { servers: ['8.8.8.8', '1.2.3.4'], search: ['my.domain'], options: ['rotate'] });
  });

  it('topo10: env-files concatenate (defaults then node; a later file wins), env over env-files, labels', () => {
    const f = file('core__test_data__topo10.yml');
    // Its mgmt-ipv4 addresses are outside the default management subnet: refused before anything is made.
    rejects(() => loadTopology(f, { env: {} }), 'CLAB_MGMT_ADDRESS', 'node1', '172.100.100.11', '172.20.20.0/24');
    const raw = parseTopology(readFileSync(f, 'utf8'), f);
    const t = resolveTopology({ ...raw, mgmt: { 'ipv4-subnet': '172.100.100.0/24' } }, { file: f, env: {} });
    assert.deepEqual(t.nodes.get('node1')!.env, { ENVFILE1: 'SOMEOTHERDATA', ENVFILE2: 'THISANDTHAT', env1: 'val1', env2: 'val2', CLAB_INTFS: '0' });
    assert.deepEqual(t.nodes.get('node2')!.env, { ENVFILE1: 'SOMEENVVARDATA', ENVFILE2: 'THISANDTHAT', CLAB_INTFS: '0' });
    assert.deepEqual(t.nodes.get('node2')!.labels, { 'node-label': 'value' });
  });

  it('27-exited-container: restart-policy "no" stays the string "no"; host link end', () => {
    const t = loadTopology(file('tests__01-smoke__27-exited-container-cli.clab.yml'), { env: {} });
    assert.equal(t.nodes.get('l1')!.clab!.restartPolicy, 'no');
    assert.deepEqual(t.clab!.links[0]!.b, { t: 'host', ifname: 'l1-01-27-eth1', mac: undefined });
  });

  it('03-bridge-and-host: bridge ports and host links; the host-kind node makes no container', () => {
    const t = loadTopology(file('tests__01-smoke__03-linux-nodes-to-bridge-and-host.clab.yml'), { env: {} });
    assert.deepEqual([...t.nodes.keys()], ['l1']);
    assert.deepEqual(t.clab!.bridges, ['br-01-03-clab']);
    assert.deepEqual(t.clab!.hostNodes, ['hostnode']);
    assert.deepEqual(t.clab!.links.map((l) => l.b), [
      { t: 'bridge', bridge: 'br-01-03-clab', ifname: 'l1-eth1', mac: undefined },
      { t: 'node', node: 'l1', ifname: 'eth2', mac: undefined },
      { t: 'host', ifname: 'l1-01-03-eth3', mac: undefined },
    ]);
    assert.equal(t.clab!.mgmt.bridge, '01-03-mgmt');
  });

  it('stages: wait-for and stage exec, with the default target container', () => {
    const t = loadTopology(file('tests__01-smoke__stages.clab.yml'), { env: {} });
    const n1 = t.nodes.get('node1')!.clab!;
    assert.deepEqual(n1.stages.create?.waitFor, [{ node: 'node2', stage: 'create' }]);
    assert.deepEqual(n1.stages['create-links']?.exec, [
      { command: "bash -c 'echo foo > /tmp/host-exec-test'", target: 'host', phase: 'on-enter' },
      { command: 'ls /sys/class/net/', target: 'container', phase: 'on-enter' },
    ]);
    assert.deepEqual(t.nodes.get('node3')!.clab!.stages.create?.waitFor, [{ node: 'node4', stage: 'healthy' }]);
    assert.equal(t.nodes.get('node4')!.clab!.healthcheck?.startPeriodS, 5);
  });

  it('negative/topo6: an endpoint used twice is refused', () => {
    rejects(() => loadTopology(file('negative/core__test_data__topo6.yml'), { env: {} }), 'IFACE_USED_TWICE', 'lin1:eth1', 'link 1');
  });
});

describe('containerlab: inheritance and strictness', () => {
  const clab = (body: string) => resolveTopology(parseTopology(`name: t\nprefix: p\ntopology:\n${body}`, 't.clab.yml'), { env: { FROM_SHELL: 'yes' } });

  it('maps merge (specific wins), lists concatenate without exact duplicates, binds de-duplicate by container path', () => {
    const t = clab(`
  defaults: { kind: linux, env: { A: d, B: d }, exec: [one, two], binds: ["/d:/data", "/x:/x"], labels: { l: d } }
  kinds: { linux: { env: { B: k, C: k }, exec: [two, three], binds: ["/k:/data"], cap-add: [NET_ADMIN] } }
  groups: { g: { env: { C: g }, exec: [four], image: img:g, cap-add: [NET_ADMIN, SYS_ADMIN] } }
  nodes:
    n: { group: g, env: { D: n }, exec: [one, five], binds: ["/n:/x:ro"], image: img:n, labels: { m: true, v: 1.10 } }
    m: { group: g }
`);
    const n = t.nodes.get('n')!;
    assert.deepEqual(n.env, { A: 'd', B: 'k', C: 'g', D: 'n', CLAB_INTFS: '0' });
    assert.deepEqual(n.clab!.exec, ['one', 'two', 'three', 'four', 'five']);
    assert.deepEqual(n.binds, ['/k:/data', '/n:/x:ro']);
    assert.deepEqual(n.clab!.capAdd, ['NET_ADMIN', 'SYS_ADMIN']);
    assert.equal(n.image, 'img:n');
    assert.equal(t.nodes.get('m')!.image, 'img:g');
    assert.deepEqual(n.labels, { l: 'd', m: 'true', v: '1.10' });
  });

  it('__IMPORT_ENVS imports the shell environment into env; explicit keys win', () => {
    const t = clab(`  nodes:\n    n: { kind: linux, env: { __IMPORT_ENVS: "true", FROM_SHELL: mine } }\n    o: { kind: linux, env: { __IMPORT_ENVS: "true" } }\n`);
    assert.equal(t.nodes.get('n')!.env.FROM_SHELL, 'mine');
    assert.equal(t.nodes.get('o')!.env.FROM_SHELL, 'yes');
    assert.equal('__IMPORT_ENVS' in t.nodes.get('o')!.env, false);
  });

  it('magic variables expand in the places containerlab expands them', () => {
    const v = { labDir: '/var/lib/damc-lab/t', lab: 't', node: 'n1' };
    assert.equal(expandMagic('__clabDir__/x:__clabNodeDir__/y:/z/__clabNodeName__.__clabLabName__', v), '/var/lib/damc-lab/t/x:/var/lib/damc-lab/t/n1/y:/z/n1.t');
    const t = clab(`  nodes:\n    n: { kind: linux, binds: ["__clabNodeDir__/cfg:/cfg"] }\n`);
    assert.deepEqual(t.nodes.get('n')!.binds, ['__clabNodeDir__/cfg:/cfg']); // expanded at deploy, where the lab directory is known
  });

  it('cmd and exec split as a shell splits words', () => {
    assert.deepEqual(shellWords(`sh -c "echo \\"a b\\" 'c'" d\\ e`, 'x'), ['sh', '-c', `echo "a b" 'c'`, 'd e']);
  });

  it('unknown keys are errors with line and column, in containerlab sections too', () => {
    rejects(() => parseTopology('name: t\nmgmt:\n  ipv4_subnet: 10.0.0.0/24\ntopology:\n  nodes: {}\n', 'x.clab.yml'), 'TOPOLOGY_SCHEMA', 'ipv4_subnet', 'line 3');
    rejects(() => parseTopology('name: t\ntopology:\n  nodes:\n    a: { kind: linux, exce: [ls] }\n', 'x.clab.yml'), 'TOPOLOGY_SCHEMA', 'exce', 'line 4');
  });

  it('what cannot apply here is refused naming the key and why', () => {
    rejects(() => clab('  nodes:\n    a: { kind: linux, license: l.key }\n'), 'CLAB_UNSUPPORTED_KEY', 'license', 'vendor');
    rejects(() => clab('  nodes:\n    a: { kind: linux, startup-config: c.cfg }\n'), 'CLAB_UNSUPPORTED_KEY', 'startup-config');
    rejects(() => clab('  nodes:\n    a: { kind: nokia_srlinux }\n'), 'UNKNOWN_KIND', 'nokia_srlinux', 'linux, bridge, host, ext-container');
    rejects(() => clab('  nodes:\n    a: { kind: linux }\n  links:\n    - type: vxlan\n      endpoint: { node: a, interface: vx0 }\n      remote: 10.0.0.1\n      vni: 1\n      dst-port: 4789\n'),
      'CLAB_LINK_UNSUPPORTED', "'vxlan'", 'one machine');
    rejects(() => clab('  nodes:\n    a: { kind: linux }\n  links:\n    - endpoints: ["a:e1", "host:h1"]\n    - endpoints: ["a:e2", "host:h1"]\n'), 'CLAB_HOST_IFACE_TWICE', 'host namespace:h1');
  });

  it('Go template syntax is refused with the construct and its line named', () => {
    const d = mkdtempSync(join(tmpdir(), 'clab-tpl-'));
    try {
      const f = join(d, 'lab.clab.yml');
      writeFileSync(f, 'name: t\ntopology:\n  nodes:\n{{ range $i := seq 1 3 }}\n    n{{ $i }}: { kind: linux }\n{{ end }}\n');
      rejects(() => loadTopology(f, { env: {} }), 'CLAB_GO_TEMPLATE', "'{{ range $i := seq 1 3 }}'", 'line 4');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('DAMC nodes mix in: off the management network unless given an address; DAMC files keep MTU 9000 and no clab part', () => {
    const t = clab('  nodes:\n    sr1: { kind: damc-sr }\n    sr2: { kind: damc-sr, mgmt-ipv4: 172.20.20.5 }\n    h: { kind: linux }\n  links:\n    - endpoints: ["sr1:eth1", "h:eth1"]\n');
    assert.deepEqual([t.nodes.get('sr1')!.clab!.mgmt, t.nodes.get('sr2')!.clab!.mgmt, t.nodes.get('h')!.clab!.mgmt], [false, true, true]);
    assert.equal(t.links[0]!.mtu, 9500);
    const d = resolveTopology(parseTopology('name: t\ntopology:\n  nodes:\n    a: { kind: damc-sr }\n    b: { kind: damc-sr }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n', 't.yaml'));
    assert.equal(d.clab, undefined);
    assert.equal(d.links[0]!.mtu, 9000);
  });
});
