import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DockerRuntime, FakeRuntime, Lab, LABEL_LAB, NodeImage, PROJECT_DIR } from '../../src/lab/index.js';
import type { NodeConfig } from '../../src/node/config.js';
import { LabError } from '../../src/util/errors.js';
import { fakeContext, type FakeLab } from './fake-context.js';
import { statusTable } from '../../src/cli/format.js';
import { NODE_ENTRY } from '../../src/topology/builtin-kinds.js';

const figure2 = join(PROJECT_DIR, 'topologies/figure2.yaml');

async function rejection(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LabError, String(e));
    return e;
  }
  assert.fail('expected a rejection');
}

describe('lab deploy/destroy with the fake runtime (planning, idempotence, rollback)', () => {
  let f: FakeLab;
  beforeEach(() => (f = fakeContext()));
  afterEach(() => rmSync(f.ctx.labRoot, { recursive: true, force: true }));

  it('deploys every node with the fixed container contract and writes its config', async () => {
    const lab = Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' });
    const r = await lab.deploy();
    assert.equal(r.alreadyUp, false);
    assert.equal(r.nodes.length, 16);
    assert.equal(r.links.length, 19);
    assert.equal(f.runtime.containers.size, 16);
    const sg1 = [...f.runtime.containers.values()].find((c) => c.spec.name === 'damc-t-lab-fake-sg1')!.spec;
    assert.equal(sg1.hostname, 'sg1');
    assert.equal(sg1.image, 'damc-node:test');
    assert.deepEqual(sg1.capAdd, ['NET_ADMIN', 'NET_RAW']);
    assert.equal(sg1.labels['damc.lab'], 't-lab-fake');
    assert.equal(sg1.labels['damc.node'], 'sg1');
    assert.equal(sg1.labels['damc.kind'], 'damc-sg');
    assert.deepEqual(sg1.cmd, ['node', '--max-semi-space-size=1', '--v8-pool-size=1', NODE_ENTRY]);
    assert.ok(sg1.binds.includes('/work/main:/opt/damc:ro'));
    const cfgBind = sg1.binds.find((b) => b.endsWith(':/etc/damc/node.json:ro'))!;
    const cfg = JSON.parse(readFileSync(cfgBind.split(':')[0]!, 'utf8')) as NodeConfig;
    assert.equal(cfg.node, 'sg1');
    assert.equal(cfg.lab, 't-lab-fake');
    assert.deepEqual(cfg.prefixes, ['/A', '/A/1', '/B', '/B/1']);
    assert.equal(cfg.interfaces.find((i) => i.name === 'eth1')!.ipv4, '10.200.0.1/30', 'the SG end of its pod link is addressed');
    assert.equal(f.net.hostBatches.length, 1, 'all veths in one host batch');
    assert.equal(f.net.hostBatches[0]!.length, 19);
    const st = await lab.inspect();
    assert.deepEqual(st.find((n) => n.node === 'sr3')!.interfaces.map((i) => `${i.name}>${i.peer}:${i.state}`),
      ['eth1>sg3:eth4:UP', 'eth2>sg4:eth4:UP', 'eth3>sr1:eth4:UP', 'eth4>sr2:eth4:UP', 'eth5>scsc:eth1:UP']);
    // Routers carry the lab's timers, and inspect shows them under the table.
    const timers = { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 };
    assert.deepEqual(st.find((n) => n.node === 'sr3')!.timers, timers);
    assert.equal(st.find((n) => n.node === 'pod1')!.timers, undefined, 'not a router');
    assert.match(statusTable(st, false), /\nrouting timers: hello 100 ms, dead 300 ms, LSA lifetime 120 s, refresh 40 s$/);
  });

  it('a second deploy of a lab that is up says so and changes nothing', async () => {
    const lab = Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' });
    await lab.deploy();
    const ids = [...f.runtime.containers.keys()];
    const again = await lab.deploy();
    assert.equal(again.alreadyUp, true);
    assert.deepEqual([...f.runtime.containers.keys()], ids);
    assert.equal(f.net.hostBatches.length, 1);
  });

  it('a lab that is only partly there is refused with a hint to destroy it', async () => {
    const lab = Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' });
    await lab.deploy();
    const sr1 = [...f.runtime.containers.entries()].find(([, c]) => c.spec.name.endsWith('-sr1'))![0];
    f.runtime.containers.delete(sr1);
    const e = await rejection(lab.deploy());
    assert.equal(e.code, 'LAB_PARTIAL');
    assert.match(e.hint ?? '', /destroy/);
  });

  it('a create failing half-way removes everything created and names the node and step', async () => {
    f.runtime.failCreate.add('damc-t-lab-fake-sr2');
    const lab = Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' });
    const e = await rejection(lab.deploy());
    assert.equal(e.code, 'DEPLOY_FAILED');
    assert.match(e.message, /step 'create containers' on node sr2: .*injected failure/);
    assert.match(e.hint ?? '', /removed the \d+ container/);
    assert.equal(f.runtime.containers.size, 0);
    assert.ok(!existsSync(lab.dir), 'lab dir removed');
  });

  it('a start failure and a link failure also roll back, naming what failed', async () => {
    f.runtime.failStart.add('damc-t-lab-fake-pod3');
    const e1 = await rejection(Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' }).deploy());
    assert.match(e1.message, /start containers' on node pod3/);
    assert.equal(f.runtime.containers.size, 0);

    f.runtime.failStart.clear();
    f.net.failHostLine = 3;
    const e2 = await rejection(Lab.fromFile(figure2, f.ctx, { name: 't-lab-fake' }).deploy());
    assert.match(e2.message, /create link pod3:eth1 <-> sg3:eth1/);
    assert.equal(f.runtime.containers.size, 0);
  });

  it('destroy finds containers by label only, and leaves other labs alone', async () => {
    await Lab.fromFile(figure2, f.ctx, { name: 't-lab-one' }).deploy();
    await Lab.fromFile(join(PROJECT_DIR, 'topologies/line3.yaml'), f.ctx, { name: 't-lab-two' }).deploy();
    rmSync(join(f.ctx.labRoot, 't-lab-one'), { recursive: true });
    const r = await new Lab('t-lab-one', f.ctx).destroy();
    assert.equal(r.removed.length, 16);
    const left = await f.runtime.list({ [LABEL_LAB]: true });
    assert.deepEqual(left.map((c) => c.labels['damc.lab']), ['t-lab-two', 't-lab-two', 't-lab-two']);
    assert.deepEqual(await Lab.names(f.ctx), ['t-lab-two']);
  });

  it('exec without a lab finds the node when unique and asks when ambiguous', async () => {
    await Lab.fromFile(join(PROJECT_DIR, 'topologies/line3.yaml'), f.ctx, { name: 't-lab-one' }).deploy();
    assert.equal((await Lab.withNode('b', f.ctx)).name, 't-lab-one');
    await Lab.fromFile(join(PROJECT_DIR, 'topologies/line3.yaml'), f.ctx, { name: 't-lab-two' }).deploy();
    assert.equal((await rejection(Lab.withNode('b', f.ctx))).code, 'NODE_AMBIGUOUS');
    assert.equal((await rejection(Lab.withNode('zz', f.ctx))).code, 'NODE_NOT_FOUND');
    assert.equal((await rejection(new Lab('t-lab-one', f.ctx).exec('zz', ['true']))).hint, 'nodes are: a, b, c');
  });
});

describe('lab errors that need no Docker engine', () => {
  it('Docker daemon unreachable: says how to start it, deploys nothing', async () => {
    const f = fakeContext();
    try {
      const ctx = { ...f.ctx, runtime: new DockerRuntime('/nonexistent/t-lab/docker.sock') };
      const e = await rejection(Lab.fromFile(figure2, ctx, { name: 't-lab-nodocker' }).deploy());
      assert.equal(e.code, 'DOCKER_UNREACHABLE');
      assert.match(e.message, /\/nonexistent\/t-lab\/docker\.sock/);
      assert.match(e.hint ?? '', /scripts\/setup/);
      assert.match(e.hint ?? '', /dockerd &/);
      assert.ok(!existsSync(join(f.ctx.labRoot, 't-lab-nodocker')));
    } finally {
      rmSync(f.ctx.labRoot, { recursive: true, force: true });
    }
  });

  it('image build failure: says which step failed and what is missing', async () => {
    const runtime = new FakeRuntime();
    const img = new NodeImage(runtime, { imagesDir: join(PROJECT_DIR, 'images'), extraFiles: ['/nonexistent/t-lab/tool'] });
    const e = await rejection(img.build('damc-node:t-lab'));
    assert.equal(e.code, 'IMAGE_BUILD');
    assert.match(e.message, /step 'collect'.*\/nonexistent\/t-lab\/tool is missing/);
    assert.equal(runtime.images.size, 0);
    const e2 = await rejection(new NodeImage(runtime, { imagesDir: '/nonexistent/t-lab/images' }).ensure());
    assert.match(e2.message, /step 'collect'/);
  });
});
