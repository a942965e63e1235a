/** `lab restart <node>` with the fake runtime: which links come back, on which ends, with what. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, LABEL_NODE, PROJECT_DIR } from '../../src/lab/index.js';
import { LabError } from '../../src/util/errors.js';
import { fakeContext, type FakeLab } from './fake-context.js';

const figure2 = join(PROJECT_DIR, 'topologies/figure2.yaml');

describe('lab restart <node> with the fake runtime', () => {
  let f: FakeLab;
  let lab: Lab;
  const pidOf = async (node: string) => (await lab.container(node)).pid;
  const idOf = async (node: string) => (await f.runtime.list({ [LABEL_NODE]: node }))[0]!.id;

  beforeEach(async () => {
    f = fakeContext();
    lab = Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' });
    await lab.deploy();
  });
  afterEach(() => rmSync(f.ctx.labRoot, { recursive: true, force: true }));

  it('gives the node a new container process and re-creates exactly its links, as deploy planned them', async () => {
    const before = await pidOf('sg1');
    const deployLines = f.net.hostBatches[0]!;
    const r = await lab.restart('sg1');
    const after = await pidOf('sg1');
    assert.notEqual(after, before);
    assert.deepEqual(r.links, ['pod1:eth1 <-> sg1:eth1', 'spa1:eth1 <-> sg1:eth2', 'sg1:eth3 <-> sr1:eth1', 'sg1:eth4 <-> sg2:eth4']);
    assert.deepEqual(r.skipped, []);
    const lines = f.net.hostBatches.at(-1)!;
    assert.equal(lines.length, 4);
    // Same names, MTU and ifindexes as at deploy; only sg1's side has its new PID.
    for (const l of lines) {
      assert.match(l, new RegExp(`netns ${after} `));
      const same = deployLines.find((d) => d.replace(/netns \d+/g, '') === l.replace(/netns \d+/g, ''));
      assert.ok(same, `${l} is a deploy-time line`);
    }
    // The node gets its whole batch (lo, pod address); each peer brings its new end up.
    const mine = f.net.nodeBatches.get(after)!;
    assert.ok(mine.includes('link set lo up') && mine.includes('addr add 10.200.0.1/30 dev eth1'), mine.join('; '));
    assert.deepEqual(f.net.nodeBatches.get(await pidOf('sr1')), ['link set eth1 up']);
    assert.deepEqual(f.net.nodeBatches.get(await pidOf('sg2')), ['link set eth4 up']);
  });

  it('leaves out links to peers that are not running, and says so', async () => {
    await f.runtime.stop(await idOf('spa1'));
    const r = await lab.restart('sg1');
    assert.deepEqual(r.skipped, ['spa1:eth1 <-> sg1:eth2']);
    assert.equal(r.links.length, 3);
    const mine = f.net.nodeBatches.get(await pidOf('sg1'))!;
    assert.ok(!mine.includes('link set eth2 up'), 'eth2 was not re-created, so it is not set up');
    assert.ok(mine.includes('link set eth3 up'));
  });

  it('works from the lab name alone, with the topology copy deploy kept', async () => {
    const byName = new Lab('t-lab-fake', f.ctx);
    const r = await byName.restart('sr3');
    assert.equal(r.links.length, 5);
  });

  it('names an unknown node and lists the real ones', async () => {
    await assert.rejects(lab.restart('sr9'), (e: unknown) => e instanceof LabError && e.code === 'NODE_NOT_FOUND' && /sr1/.test(e.hint ?? ''));
  });

  it('a deploy over a lab with a stopped node points at restart', async () => {
    await f.runtime.stop(await idOf('sr2'));
    await assert.rejects(lab.deploy(), (e: unknown) => e instanceof LabError && e.code === 'LAB_PARTIAL' && /\.\/lab restart --lab t-lab-fake sr2/.test(e.hint ?? ''));
  });
});
