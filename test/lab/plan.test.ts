import assert from 'node:assert/strict';
import { planLinks } from '../../src/lab/index.js';
import { join } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';
import { loadTopology, parseTopology, resolveTopology } from '../../src/topology/index.js';

describe('link planning', () => {
  const topo = resolveTopology(parseTopology(`
name: p
topology:
  nodes:
    a: { kind: linux }
    b: { kind: linux }
    c: { kind: linux }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["b:eth2", "c:eth7"]
      mtu: 1500
`));
  const pids: Record<string, number> = { a: 11, b: 22, c: 33 };
  const plan = planLinks(topo, (n) => pids[n]!);

  it('creates each veth in one host batch line, both ends born in their namespaces under their final names, with distinct ifindexes', () => {
    assert.deepEqual(plan.hostLines, [
      'link add eth1 netns 11 mtu 9000 index 1000 type veth peer name eth1 netns 22 mtu 9000 index 1001',
      'link add eth2 netns 22 mtu 1500 index 1002 type veth peer name eth7 netns 33 mtu 1500 index 1003',
    ]);
  });

  it('brings up lo and every interface of a node in that node\'s own batch', () => {
    assert.deepEqual(plan.perNode.get('b'), ['link set lo up', 'link set eth1 up', 'link set eth2 up']);
    assert.deepEqual(plan.perNode.get('c'), ['link set lo up', 'link set eth7 up']);
  });

  it('figure2: addresses the pod–SG link ends and gives a pod its default route in its own batch; fabric nodes get none', () => {
    const f2 = loadTopology(join(PROJECT_DIR, 'topologies/figure2.yaml'));
    const p = planLinks(f2, () => 1);
    assert.deepEqual(p.perNode.get('pod2'), ['link set lo up', 'link set eth1 up', 'addr add 10.200.0.6/30 dev eth1', 'route add default via 10.200.0.5']);
    assert.deepEqual(p.perNode.get('sg2')!.filter((l) => !l.startsWith('link ')), ['addr add 10.200.0.5/30 dev eth1']);
    for (const n of ['sr1', 'spa2', 'scsc']) assert.ok(p.perNode.get(n)!.every((l) => l.startsWith('link set ')), n);
    assert.ok(![...p.perNode.values()].flat().some((l) => /forward/.test(l)), 'no forwarding is switched on');
  });
});
