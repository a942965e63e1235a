import assert from 'node:assert/strict';
import { generateTopology, parseTopology, resolveTopology, topologyToYaml, SMALL_LAB } from '../../src/topology/index.js';
import { rejects } from './rejects.js';

const small = (hosting: string) => `
name: t
${hosting}
topology:
  nodes:
    sg1: { kind: damc-sg }
    sr1: { kind: damc-sr }
    sr2: { kind: damc-sr }
    sr3: { kind: damc-sr, image: "other:1" }
    sr4: { kind: damc-sr, cmd: "sleep infinity" }
    spa1: { kind: damc-spa }
    pod1: { kind: damc-pod, services: ["A/1"] }
  links:
    - endpoints: ["sg1:eth1", "sr1:eth1"]
    - endpoints: ["sr1:eth2", "sr2:eth1"]
    - endpoints: ["sr2:eth2", "sr3:eth1"]
    - endpoints: ["sr3:eth2", "sr4:eth1"]
    - endpoints: ["sg1:eth2", "pod1:eth1"]
    - endpoints: ["sg1:eth3", "spa1:eth1"]
`;
const resolve = (text: string, processes = 2) => resolveTopology(parseTopology(text, 't.yaml'), { processes });
const grid = (nodes: number, extra = '') => resolve(topologyToYaml(generateTopology({ shape: 'grid', nodes, pods: Math.floor(nodes / 10), name: 'g' })) + extra);

describe('topology: where routers run (hosting)', () => {
  it('gives a small lab a process per router container, unless it asks for shared ones', () => {
    assert.equal(resolve(small('')).hosting.mode, 'container');
    assert.equal(resolve(small('hosting: auto')).hosting.pools.size, 0);
    const h = resolve(small('hosting: shared')).hosting;
    assert.equal(h.mode, 'shared');
    // Only SRs on the lab image with the kind's own program: the SG (its proxy listens in its
    // namespace), the SPA, pods, and an SR with its own image or cmd keep their processes.
    assert.deepEqual([...h.pools].sort(), [['sr1', 'pool-1'], ['sr2', 'pool-2']]);
  });

  it(`shares above ${SMALL_LAB} routers by itself, spreading the SRs evenly over one process per core`, () => {
    const t = grid(250);
    assert.equal(t.hosting.mode, 'shared');
    const srs = [...t.nodes.values()].filter((n) => n.kind.name === 'damc-sr');
    assert.equal(t.hosting.pools.size, srs.length);
    const per = new Map<string, number>();
    for (const p of t.hosting.pools.values()) per.set(p, (per.get(p) ?? 0) + 1);
    assert.deepEqual([...per.keys()].sort(), ['pool-1', 'pool-2']);
    assert.ok(Math.abs(per.get('pool-1')! - per.get('pool-2')!) <= 1, JSON.stringify([...per]));
    assert.equal(grid(50).hosting.mode, 'container'); // 55 routers with its SGs
  });

  it('keeps a large lab in containers when told to, and never makes more processes than routers', () => {
    const yaml = topologyToYaml(generateTopology({ shape: 'grid', nodes: 100, name: 'g' }));
    assert.equal(resolve(yaml.replace(/^name: g$/m, 'name: g\nhosting: container')).hosting.pools.size, 0);
    assert.deepEqual(new Set(resolve(small('hosting: shared'), 16).hosting.pools.values()), new Set(['pool-1', 'pool-2']));
  });

  it('refuses a hosting mode it does not know, naming the ones it does', () => {
    rejects(() => resolve(small('hosting: threads')), 'TOPOLOGY_SCHEMA', 'hosting', 'shared');
  });
});
