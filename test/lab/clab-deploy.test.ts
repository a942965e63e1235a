/** containerlab deploys on the fake runtime: stage order, images, exec failure and rollback, in milliseconds. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Lab } from '../../src/lab/index.js';
import { parseTopology, resolveTopology } from '../../src/topology/index.js';
import { isLabError } from '../../src/util/errors.js';
import { fakeContext } from './fake-context.js';

const lab = (f: ReturnType<typeof fakeContext>, body: string) =>
  new Lab('t', f.ctx, resolveTopology(parseTopology(`name: t\ntopology:\n${body}`, 't.clab.yml'), { env: {} }));

describe('containerlab deploy with the fake runtime', () => {
  it('wait-for orders container creation; links are made once both nodes reach create-links; exec after', async () => {
    const f = fakeContext();
    const l = lab(f, `  nodes:
    a: { kind: linux, exec: ["echo a"], stages: { create: { wait-for: [{ node: b, stage: create }] } } }
    b: { kind: linux, stages: { create: { wait-for: [{ node: c, stage: create-links }] } } }
    c: { kind: linux }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["c:eth1", "host:c-eth1"]
`);
    const r = await l.deploy();
    assert.deepEqual([...f.runtime.containers.values()].map((c) => c.info.name), ['clab-t-c', 'clab-t-b', 'clab-t-a']);
    assert.deepEqual(f.net.hostBatches.flat().filter((x) => x.startsWith('link add')).length, 2);
    assert.deepEqual(r.execs!.map((e) => [e.node, e.command, e.output]), [['a', 'echo a', 'echo a\n']]);
    assert.ok(f.runtime.networks.has('clab'), 'management network created');
    await l.destroy();
    assert.equal(f.runtime.containers.size, 0);
    assert.equal(f.runtime.networks.has('clab'), false, 'and removed with the lab');
  });

  it('an image that is not here and cannot be pulled: deploy says no registry gave it; --image-fallback substitutes and lists it', async () => {
    const f = fakeContext();
    const body = '  nodes:\n    a: { kind: linux, image: alpine:3 }\n    b: { kind: linux, image: mine:1 }\n';
    f.runtime.images.add('mine:1');
    await assert.rejects(lab(f, body).deploy(), (e: unknown) => isLabError(e) && /on node a: node a: image alpine:3 does not exist on this machine and no registry gave it/.test(e.message) && /--image-fallback/.test(e.hint ?? ''));
    assert.equal(f.runtime.containers.size, 0);
    const r = await lab(f, body).deploy({ imageFallback: true });
    assert.deepEqual(r.substitutions, [{ node: 'a', image: 'alpine:3', with: 'damc-node:test' }]);
    const byName = new Map([...f.runtime.containers.values()].map((c) => [c.info.name, c.spec]));
    assert.equal(byName.get('clab-t-a')!.image, 'damc-node:test');
    assert.deepEqual(byName.get('clab-t-a')!.cmd, ['sleep', 'infinity']);
    assert.equal(byName.get('clab-t-b')!.image, 'mine:1');
    assert.equal(byName.get('clab-t-b')!.extra!.omitCmd, true, 'its own image runs its own CMD');
    assert.ok(f.events.some((m) => /node a runs on the lab image damc-node:test/.test(m)));
  });

  it('a failing exec fails the deploy naming node and command, and removes everything it made', async () => {
    const f = fakeContext();
    f.runtime.execExit.set('false --really', 1);
    const l = lab(f, '  nodes:\n    a: { kind: linux, exec: ["echo ok", "false --really"] }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n');
    await assert.rejects(l.deploy(), (e: unknown) => isLabError(e) && /on node a: node a: exec command 'false --really' exited with 1/.test(e.message));
    assert.equal(f.runtime.containers.size, 0);
    assert.equal(f.runtime.networks.size, 0);
    assert.equal(existsSync(l.dir), false);
  });

  it('prefix: "" names containers after the node alone; network-mode container: waits for and joins the other node', async () => {
    const f = fakeContext();
    const t = resolveTopology(parseTopology('name: t\nprefix: ""\ntopology:\n  nodes:\n    b: { kind: linux, network-mode: "container:a" }\n    a: { kind: linux }\n', 'x.clab.yml'), { env: {} });
    await new Lab('t', f.ctx, t).deploy();
    const specs = [...f.runtime.containers.values()].map((c) => c.spec);
    assert.deepEqual(specs.map((s) => s.name), ['a', 'b']);
    assert.equal(specs[1]!.extra!.networkMode, 'container:a');
  });
});
