/**
 * Where the containerlab corpus is: $DAMC_CLAB_CORPUS, else ../shared/clab-corpus beside the
 * repository (as in CI). A missing corpus fails the suite, naming both.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';

export function clabCorpus(): string {
  const dir = resolve(process.env.DAMC_CLAB_CORPUS ?? join(PROJECT_DIR, '..', 'shared', 'clab-corpus'));
  if (!existsSync(join(dir, 'README.md'))) {
    throw new Error(`containerlab corpus not found at ${dir}: set DAMC_CLAB_CORPUS to its directory (CI keeps it in ../shared/clab-corpus)`);
  }
  return dir;
}
