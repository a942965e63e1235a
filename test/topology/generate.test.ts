import assert from 'node:assert/strict';
import { generateTopology, parseTopology, resolveTopology, topologyToYaml, type Shape } from '../../src/topology/index.js';

/** Round-trips through YAML and the validator, as `lab deploy` would read the file. */
function roundTrip(shape: Shape, nodes: number, extra: { seed?: number; pods?: number } = {}) {
  return resolveTopology(parseTopology(topologyToYaml(generateTopology({ shape, nodes, ...extra }), 'c')));
}

function connected(t: ReturnType<typeof roundTrip>): boolean {
  const names = [...t.nodes.keys()];
  const seen = new Set([names[0]!]);
  const todo = [names[0]!];
  while (todo.length) {
    const n = t.nodes.get(todo.pop()!)!;
    for (const i of n.interfaces) {
      const p = (i.link.a === i ? i.link.b : i.link.a).node.name;
      if (!seen.has(p)) (seen.add(p), todo.push(p));
    }
  }
  return seen.size === names.length;
}

describe('topology generate', () => {
  it('line, ring and grid have the textbook number of links', () => {
    assert.equal(roundTrip('line', 5).links.length, 4);
    assert.equal(roundTrip('ring', 5).links.length, 5);
    // 50 nodes on a 8-wide grid: 6 full rows + 2 → 43 horizontal + 42 vertical
    const g = roundTrip('grid', 50);
    assert.equal(g.nodes.size, 50);
    assert.equal(g.links.length, 85);
    assert.ok(connected(g));
    const g9 = roundTrip('grid', 9);
    assert.equal(g9.links.length, 12);
    assert.equal(g9.nodes.get('sr5')!.interfaces.length, 4);
  });

  it('random is connected, seeded and reproducible', () => {
    const a = topologyToYaml(generateTopology({ shape: 'random', nodes: 30, seed: 7 }));
    const b = topologyToYaml(generateTopology({ shape: 'random', nodes: 30, seed: 7 }));
    const c = topologyToYaml(generateTopology({ shape: 'random', nodes: 30, seed: 8 }));
    assert.equal(a, b);
    assert.notEqual(a, c);
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = roundTrip('random', 30, { seed });
      assert.ok(connected(t), `seed ${seed}`);
      assert.ok(t.links.length >= 29 + 10, `seed ${seed}: ${t.links.length} links`);
    }
  });

  it('with pods: one SG per pod, each pod behind its SG with an SPA beside it, SGs attached to SRs', () => {
    const t = roundTrip('ring', 6, { pods: 3 });
    assert.equal(t.nodes.size, 15);
    for (const k of [1, 2, 3]) {
      const pod = t.nodes.get(`pod${k}`)!;
      assert.equal(pod.kind.name, 'damc-pod');
      assert.deepEqual(pod.services, [`A/${k}`, `S${k}/1`]);
      const sg = t.nodes.get(`sg${k}`)!;
      const peers = sg.interfaces.map((i) => (i.link.a === i ? i.link.b : i.link.a).node.kind.name).sort();
      assert.deepEqual(peers, ['damc-pod', 'damc-spa', 'damc-sr']);
    }
    assert.ok(connected(t));
  });

  it('rejects nonsense sizes', () => {
    assert.throws(() => generateTopology({ shape: 'grid', nodes: 0 }), /GENERATE_INVALID|out of range/);
    assert.throws(() => generateTopology({ shape: 'grid', nodes: 2.5 }), /out of range/);
  });
});
