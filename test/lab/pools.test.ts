/**
 * The lab's side of shared router processes (src/lab/pools.ts) with a real pool process and no
 * Docker: a router that cannot start fails the start naming it, destroy's stop ends the pool by
 * its recorded PID and never a process that is not this lab's pool.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';
import { poolFiles, processAlive as alive, startPools, stopPools } from '../../src/lab/pools.js';
import { LabError } from '../../src/util/errors.js';


describe('lab: shared router processes (pools), no Docker', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-pools-'));
  let pid = 0;
  after(async () => {
    await stopPools(dir).catch(() => undefined);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the start naming the router that could not start, and the log that says why', async () => {
    // sr7's container "process" is this test's own: its config is missing, so the pool cannot start it.
    const err = await startPools('t', dir, PROJECT_DIR, new Map([['sr7', 'pool-1']]), new Map([['sr7', process.pid]])).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof LabError, String(err));
    assert.equal(err.code, 'POOL_ROUTER_FAILED', err.describe());
    assert.match(err.message, /pool-1: the router of sr7 did not start: .*node\.json/);
    assert.match(err.describe(), /pool-1\.log/);
    pid = Number(readFileSync(poolFiles(dir, 'pool-1').pid, 'utf8'));
    assert.ok(alive(pid), 'the pool runs (it would exit by itself once idle)');
  });

  it('stop ends the lab\'s pool by its PID, and leaves a process that is not its pool alone', async () => {
    // A stale PID file naming some other process (here: this test) must not get it killed.
    writeFileSync(join(dir, 'pool-9.pid'), `${process.pid}\n`);
    const ended = await stopPools(dir);
    assert.deepEqual(ended, ['pool-1']);
    assert.ok(!alive(pid), 'pool-1 ended');
    assert.ok(alive(process.pid));
  });
});
