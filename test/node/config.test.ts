/** The node config contract: checked with zod when a node starts, a bad file named with its fault. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNodeConfig, stampNodeConfig } from '../../src/config/index.js';
import { readNodeConfig } from '../../src/node/config.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';
import { LabError } from '../../src/util/errors.js';

const good = buildNodeConfigs(loadTopology('topologies/figure2.yaml')).get('sr1')!;

function problem(o: unknown): string {
  try {
    parseNodeConfig(typeof o === 'string' ? o : JSON.stringify(o), '/etc/damc/node.json');
  } catch (e) {
    assert.ok(e instanceof LabError && e.code === 'NODE_CONFIG_INVALID', String(e));
    assert.match(e.hint ?? '', /redeploy/);
    return e.message;
  }
  assert.fail('accepted a bad node config');
}

describe('node config (src/config)', () => {
  it('accepts what the lab writes, unchanged', () => {
    assert.deepEqual(parseNodeConfig(JSON.stringify(good), 'x'), good);
  });

  it('names the field and the fault of a bad file', () => {
    assert.match(problem('{ not json'), /node\.json is not JSON/);
    assert.match(problem({ ...good, privateKeyPem: undefined }), /privateKeyPem/);
    assert.match(problem({ ...good, kind: 'damc-xx' }), /kind/);
    assert.match(problem({ ...good, timers: { ...good.timers, deadIntervalMs: good.timers.helloIntervalMs } }), /timers\.deadIntervalMs: deadIntervalMs must be more than helloIntervalMs/);
    assert.match(problem({ ...good, timers: { ...good.timers, lsaRefreshS: good.timers.lsaLifetimeS } }), /lsaRefreshS must be less than lsaLifetimeS/);
    assert.match(problem({ ...good, interfaces: [{ ...good.interfaces[0], cost: -1 }] }), /interfaces\.0\.cost/);
  });

  it('the node program refuses a bad file at start with one clear line and exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'damc-cfg-'));
    try {
      const f = join(dir, 'node.json');
      writeFileSync(f, JSON.stringify({ ...good, timers: { ...good.timers, helloIntervalMs: 0 } }));
      const r = spawnSync(process.execPath, ['dist/src/node/main.js', f], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { msg: string; code: string };
      assert.equal(line.code, 'NODE_CONFIG_INVALID');
      assert.match(line.msg, /timers\.helloIntervalMs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file deploy stamped is taken as it is; an edited or unstamped one goes through the schema with the same clear error', async () => {
    const stamped = stampNodeConfig(good, 'sr1');
    assert.match(stamped.validated ?? '', /^[0-9a-f]{64}$/);
    const { validated: _v, ...plain } = stamped;
    assert.deepEqual(await readNodeConfig(JSON.stringify(stamped, null, 2), 'x'), plain);
    // Edited after deploy: the digest no longer matches, so the schema checks it (and names the fault).
    const edited = JSON.stringify({ ...stamped, timers: { ...stamped.timers, helloIntervalMs: 0 } });
    await assert.rejects(readNodeConfig(edited, '/etc/damc/node.json'), (e: unknown) =>
      e instanceof LabError && e.code === 'NODE_CONFIG_INVALID' && /timers\.helloIntervalMs/.test(e.message));
    // A valid edit passes the schema (which drops the stale stamp); an unstamped file is checked too.
    const cost = JSON.stringify({ ...stamped, interfaces: stamped.interfaces.map((i) => ({ ...i, cost: 7 })) });
    assert.equal((await readNodeConfig(cost, 'x')).interfaces[0]!.cost, 7);
    await assert.rejects(readNodeConfig(JSON.stringify({ ...good, kind: 'damc-xx' }), 'x'), /kind/);
    await assert.rejects(readNodeConfig('{ not json', 'node.json'), /node\.json is not JSON/);
  });

  it('deploy refuses to stamp a config that does not pass the schema, naming the node', () => {
    assert.throws(() => stampNodeConfig({ ...good, kind: 'damc-xx' }, 'sr1'), (e: unknown) =>
      e instanceof LabError && e.code === 'NODE_CONFIG_INVALID' && /built for sr1/.test(e.message) && /kind/.test(e.message));
  });
});
