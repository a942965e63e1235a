import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kindNames, loadTopology, parseTopology, resolveTopology } from '../../src/topology/index.js';
import { LabError } from '../../src/util/errors.js';
import { rejects, resolveText } from './rejects.js';
import { NODE_ENTRY } from '../../src/topology/builtin-kinds.js';


const two = (links: string) => `
name: t
topology:
  nodes:
    a: { kind: linux }
    b: { kind: linux }
  links:
${links}
`;

describe('topology validation', () => {
  it('accepts a two-node topology and resolves both ends with default MTU and cost', () => {
    const t = resolveText(two('    - endpoints: ["a:eth1", "b:eth1"]'));
    assert.equal(t.links.length, 1);
    const l = t.links[0]!;
    assert.equal(l.a.node.name, 'a');
    assert.equal(l.b.name, 'eth1');
    assert.equal(l.mtu, 9000);
    assert.deepEqual([l.a.cost, l.b.cost], [1, 1]);
    assert.equal(t.nodes.get('b')!.interfaces[0], l.b);
  });

  it('missing file: names the path', () => {
    rejects(() => loadTopology('/nonexistent/dir/lab.yaml'), 'TOPOLOGY_NOT_FOUND', '/nonexistent/dir/lab.yaml');
  });

  it('YAML syntax error: gives line and column', () => {
    rejects(() => parseTopology('name: t\ntopology:\n  nodes: [a,\n  b: 1\n', 'bad.yaml'), 'TOPOLOGY_YAML', 'bad.yaml', 'line 4, column');
  });

  it('duplicate node names: rejected, naming the node and its line', () => {
    const text = 'name: t\ntopology:\n  nodes:\n    sr1: { kind: damc-sr }\n    sr1: { kind: damc-sg }\n';
    rejects(() => parseTopology(text), 'TOPOLOGY_DUPLICATE_KEY', "'sr1'", 'line 5');
  });

  it('schema error: names the field and its line', () => {
    rejects(() => parseTopology('name: t\ntopology:\n  nodes:\n    a: { kind: linux, imgae: x }\n'), 'TOPOLOGY_SCHEMA', 'imgae', 'line 4');
    rejects(() => parseTopology(two('    - endpoints: ["a:eth1", "b:eth1"]\n      mtu: 20')), 'TOPOLOGY_SCHEMA', 'mtu');
  });

  it('unknown node in a link: lists the nodes', () => {
    rejects(() => resolveText(two('    - endpoints: ["a:eth1", "zz:eth1"]')), 'LINK_UNKNOWN_NODE', "'zz'", 'nodes are: a, b');
  });

  it('unknown or malformed interface in a link', () => {
    rejects(() => resolveText(two('    - endpoints: ["a:eth1", "b"]')), 'LINK_ENDPOINT_INVALID', "'b'");
    rejects(() => resolveText(two('    - endpoints: ["a:eth1", "b:"]')), 'LINK_UNKNOWN_INTERFACE', 'node b');
    rejects(() => resolveText(two('    - endpoints: ["a:lo", "b:eth1"]')), 'LINK_UNKNOWN_INTERFACE', "'lo'");
    rejects(() => resolveText(two('    - endpoints: ["a:e th1", "b:eth1"]')), 'LINK_UNKNOWN_INTERFACE');
  });

  it('interface used twice: names both links', () => {
    const e = rejects(() => resolveText(two('    - endpoints: ["a:eth1", "b:eth1"]\n    - endpoints: ["a:eth1", "b:eth2"]')),
      'IFACE_USED_TWICE', 'a:eth1', 'link 1');
    assert.match(e.message, /^link 2/);
  });

  it('interface name over 15 characters', () => {
    rejects(() => resolveText(two('    - endpoints: ["a:eth1234567890123", "b:eth1"]')), 'IFACE_NAME_TOO_LONG', '16 characters', 'at most 15');
    // exactly 15 is fine
    resolveText(two('    - endpoints: ["a:eth123456789012", "b:eth1"]'));
  });

  it('unknown kind: lists the valid kinds', () => {
    const e = rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    x: { kind: damc-xx }\n'), 'UNKNOWN_KIND', "'damc-xx'");
    for (const k of ['damc-sg', 'damc-sr', 'damc-spa', 'damc-scsc', 'damc-pod', 'linux']) assert.ok(e.hint?.includes(k), k);
    assert.deepEqual(kindNames(), ['damc-pod', 'damc-scsc', 'damc-sg', 'damc-spa', 'damc-sr', 'linux']);
  });

  it('node names and lab names must be usable in container names', () => {
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    "a b": { kind: linux }\n'), 'NODE_NAME_INVALID');
    rejects(() => resolveTopology(parseTopology('name: "x/y"\ntopology:\n  nodes: {}\n')), 'LAB_NAME_INVALID');
  });

  it('a pod with services must sit behind exactly one SG; services look like X/n', () => {
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    p: { kind: damc-pod, services: ["A/1"] }\n'), 'POD_GATEWAY', 'pod p');
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    p: { kind: damc-pod, services: ["A"] }\n'), 'SERVICE_INVALID', "'A'");
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    s: { kind: damc-sr, services: ["A/1"] }\n'), 'SERVICE_NOT_ON_POD');
  });

  it('policy: only on a damc-spa, naming pods of the lab, with prefixes like /Z', () => {
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    s: { kind: damc-sr, policy: { p: ["/Z"] } }\n'), 'POLICY_NOT_ON_SPA', 'node s');
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    a: { kind: damc-spa, policy: { p: ["/Z"] } }\n'), 'POLICY_UNKNOWN_POD', "'p'");
    rejects(() => resolveText('name: t\ntopology:\n  nodes:\n    p: { kind: damc-pod }\n    a: { kind: damc-spa, policy: { p: ["Z"] } }\n'), 'POLICY_INVALID', "'Z'");
  });

  it('merges defaults < kinds < node, resolves binds from the file directory, and reads costs', () => {
    const dir = mkdtempSync(join(tmpdir(), 't-lab-topo-'));
    try {
      const f = join(dir, 'x.yaml');
      writeFileSync(f, `
name: x
timers: { helloIntervalMs: 50 }
topology:
  defaults: { env: { A: "1", B: "1" }, binds: ["./d:/d:ro"] }
  kinds: { damc-sr: { env: { B: "2" }, image: img:sr } }
  nodes:
    r1: { kind: damc-sr, env: { C: 3 } }
    r2: { kind: damc-sr, image: own:1, cmd: "sleep 5" }
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
      mtu: 1500
      cost: [3, 7]
`);
      const t = loadTopology(f, { name: 'renamed' });
      assert.equal(t.name, 'renamed');
      const r1 = t.nodes.get('r1')!;
      assert.deepEqual(r1.env, { A: '1', B: '2', C: '3' });
      assert.deepEqual(r1.binds, [`${dir}/d:/d:ro`]);
      assert.equal(r1.image, 'img:sr');
      assert.deepEqual(r1.cmd, ['node', '--max-semi-space-size=1', '--v8-pool-size=1', NODE_ENTRY]);
      assert.equal(t.nodes.get('r2')!.image, 'own:1');
      assert.deepEqual(t.nodes.get('r2')!.cmd, ['sleep', '5']);
      assert.deepEqual([t.links[0]!.a.cost, t.links[0]!.b.cost, t.links[0]!.mtu], [3, 7, 1500]);
      assert.deepEqual(t.timers, { helloIntervalMs: 50, deadIntervalMs: 200, lsaLifetimeS: 120, lsaRefreshS: 40 }); // dead: 4 hellos
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
