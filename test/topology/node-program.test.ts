import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, MODULES, nodeEntry } from '../../src/topology/node-program.js';

describe('node program: the bundle only when it is fresh', () => {
  const dist = mkdtempSync(join(tmpdir(), 'damc-dist-'));
  after(() => rmSync(dist, { recursive: true, force: true }));
  const at = (rel: string, s: number) => {
    mkdirSync(join(dist, rel, '..'), { recursive: true });
    writeFileSync(join(dist, rel), '');
    utimesSync(join(dist, rel), s, s);
  };

  it('runs the modules when there is no bundle', () => {
    at('src/node/main.js', 1000);
    assert.equal(nodeEntry(dist), MODULES);
  });

  it('runs the bundle when it is as new as every compiled file', () => {
    at('src/routing/flooding.js', 1000);
    at(BUNDLE, 1001);
    assert.equal(nodeEntry(dist), BUNDLE);
  });

  it('runs the modules when any compiled file is newer than the bundle (a tsc after an edit)', () => {
    at('src/routing/flooding.js', 1002);
    assert.equal(nodeEntry(dist), MODULES);
  });
});
