/**
 * The self-contained node image (damc-node-full): built from this repository with no registry,
 * it runs a node with no bind mount of the project. Containers are named t-imgfull-<pid>-… and
 * removed in after(), also when a test fails. The full image itself is kept (it is the current
 * tag; the next build prunes it when stale).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime, FakeRuntime, FullNodeImage, IMAGE_KIND_FULL, IMAGE_LABEL, NodeImage, PROJECT_DIR } from '../../src/lab/index.js';
import { LabError } from '../../src/util/errors.js';

const prefix = `t-imgfull-${process.pid}`;

function docker(...args: string[]): { code: number; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A node.json for a lone damc-sr with no interfaces (the shape src/node/config.ts defines). */
function soloRouterConfig(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return JSON.stringify({
    lab: prefix, node: 'sr1', kind: 'damc-sr', routerName: '/damc/router/sr1', interfaces: [], prefixes: [],
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    trust: { '/damc/router/sr1': spki.subarray(spki.length - 32).toString('base64') },
    routerNodes: { '/damc/router/sr1': 'sr1' },
    timers: { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 },
    env: {},
  });
}

describe('full node image: runtime + built project, runs without the repository @docker', function () {
  this.timeout(240_000);
  const runtime = new DockerRuntime();
  const runtimeImage = new NodeImage(runtime, { imagesDir: join(PROJECT_DIR, 'images') });
  const full = new FullNodeImage(runtime, { projectDir: PROJECT_DIR, imagesDir: join(PROJECT_DIR, 'images'), runtimeImage, socketPath: runtime.socketPath });
  const containers: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let tag = '';

  before(async () => {
    tag = (await full.ensure()).tag;
  });

  after(() => {
    for (const c of containers) docker('rm', '-f', c);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is built FROM the runtime image, labelled, and holds the project with production modules only', () => {
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tag).out) as Record<string, string>;
    assert.equal(labels[IMAGE_LABEL], IMAGE_KIND_FULL);
    const base = labels['damc.base']!;
    assert.equal(base, runtimeImage.tag(), 'built on the current runtime image');
    const layers = (ref: string) => JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref).out) as string[];
    assert.deepEqual(layers(tag).slice(0, -1), layers(base), 'shares the runtime image layer, adds one');
    const probe = `const fs = require('fs'); const p = (f) => fs.existsSync('/opt/damc/' + f);
      console.log(JSON.stringify({
        have: ['package.json', 'dist/src/node/main.js', 'dist/src/node/ctl.js', 'src/face/native/build/Release/damc_face.node',
               'node_modules/dockerode', 'node_modules/pino', 'node_modules/zod', 'node_modules/cytoscape/dist/cytoscape.min.js'].filter((f) => !p(f)),
        dev: ['typescript', 'mocha', 'fast-check', 'node-gyp', 'cap', 'raw-socket', 'playwright-core', '@types/dockerode'].filter((m) => p('node_modules/' + m)),
        tests: p('dist/test') }));`;
    const r = docker('run', '--rm', '--network', 'none', '--name', `${prefix}-probe`, tag, 'node', '-e', probe);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(JSON.parse(r.out.trim()), { have: [], dev: [], tests: false }, 'missing project files / dev modules present');
  });

  it('runs the in-node control tool', () => {
    const r = docker('run', '--rm', '--network', 'none', '--name', `${prefix}-ctl`, tag, 'node', '/opt/damc/dist/src/node/ctl.js', '--help');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Usage: damc-ctl/);
    assert.match(r.out, /neighbors/);
  });

  it('starts the router (its default command) with only node.json mounted, and answers on its control socket', async () => {
    const cfgDir = join(dir, 'sr1');
    mkdirSync(cfgDir);
    writeFileSync(join(cfgDir, 'node.json'), soloRouterConfig(), { mode: 0o600 });
    const name = `${prefix}-sr1`;
    containers.push(name);
    const run = docker('run', '-d', '--name', name, '--network', 'none', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
      '-v', `${join(cfgDir, 'node.json')}:/etc/damc/node.json:ro`, tag);
    assert.equal(run.code, 0, run.out);
    const mounts = JSON.parse(docker('inspect', '--format', '{{json .Mounts}}', name).out) as { Destination: string }[];
    assert.deepEqual(mounts.map((m) => m.Destination), ['/etc/damc/node.json'], 'no bind mount of the project');
    let logs = '';
    for (const t0 = Date.now(); Date.now() - t0 < 30_000; await new Promise((r) => setTimeout(r, 200))) {
      logs = docker('logs', name).out;
      if (/"msg":"router starting"/.test(logs) || !docker('inspect', '--format', '{{.State.Running}}', name).out.includes('true')) break;
    }
    const start = logs.split('\n').find((l) => l.includes('"router starting"'));
    assert.ok(start, `no 'router starting' line; logs:\n${logs}`);
    assert.equal((JSON.parse(start) as { router: string }).router, '/damc/router/sr1');
    let counters = { code: -1, out: '' };
    for (const t0 = Date.now(); Date.now() - t0 < 10_000 && counters.code !== 0; await new Promise((r) => setTimeout(r, 200))) {
      counters = docker('exec', name, 'node', '/opt/damc/dist/src/node/ctl.js', 'counters');
    }
    assert.equal(counters.code, 0, counters.out);
    assert.match(counters.out, /lsaOriginated\s+1\b/, 'the router originated its own LSA');
  });

  it('is not rebuilt when nothing changed, and no other full image is kept', async () => {
    const again = await full.ensure();
    // Other work may recompile dist/ meanwhile: then the tag moves and a build is due.
    if (again.tag === tag) assert.equal(again.built, undefined, 'rebuilt although up to date');
    else assert.equal(again.built?.tag, again.tag, 'the project changed, yet no build');
    const tagged = (await runtime.imagesWithLabel(`${IMAGE_LABEL}=${IMAGE_KIND_FULL}`)).flatMap((i) => i.tags);
    assert.deepEqual(tagged, [again.tag]);
  });
});

describe('full node image tag', () => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-proj-`));
  const imagesDir = join(PROJECT_DIR, 'images');
  const put = (f: string, text: string) => {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  };
  const image = () => new FullNodeImage(new FakeRuntime(), {
    projectDir: dir, imagesDir, runtimeImage: new NodeImage(new FakeRuntime(), { imagesDir }), socketPath: '/nonexistent.sock',
  });

  before(() => {
    put('package.json', '{"name":"p"}');
    put('package-lock.json', '{}');
    put('node_modules/.package-lock.json', '{}');
    put('dist/src/a.js', 'export const a = 1;');
    put('dist/src/a.js.map', '{}');
    put('src/face/native/build/Release/damc_face.node', 'ELF');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the compiled code, the installed modules and the runtime image, not the source maps', () => {
    const t0 = image().tag('damc-node:aaa');
    assert.match(t0, /^damc-node-full:[0-9a-f]{12}$/);
    assert.equal(image().tag('damc-node:aaa'), t0, 'stable');
    assert.notEqual(image().tag('damc-node:bbb'), t0, 'runtime image changed');
    put('dist/src/a.js.map', '{"changed":1}');
    assert.equal(image().tag('damc-node:aaa'), t0, 'a source map is not in the image');
    put('node_modules/.package-lock.json', '{"x":1}');
    const t1 = image().tag('damc-node:aaa');
    assert.notEqual(t1, t0, 'installed modules changed');
    put('dist/src/a.js', 'export const a = 2;');
    assert.notEqual(image().tag('damc-node:aaa'), t1, 'compiled code changed');
  });

  it('names the missing addon and how to build it', () => {
    rmSync(join(dir, 'src/face/native/build/Release/damc_face.node'));
    assert.throws(() => image().tag('damc-node:aaa'), (e: unknown) => e instanceof LabError && e.code === 'IMAGE_BUILD'
      && /step 'collect'.*no native addon/.test(e.message) && /build:native/.test(e.hint ?? ''));
  });
});
