/**
 * Tries every containerlab file of DIR (default ../shared/clab-corpus beside the project):
 * deploy with --image-fallback, check its links inside the containers, destroy, check nothing
 * is left. Files under DIR/negative must be refused. One line per file, then one JSON line.
 *   scripts/clab-compat [DIR | FILE]
 * Run it under the Docker lock: flock /tmp/damc-docker.lock scripts/clab-compat
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dockerContext, PROJECT_DIR } from '../src/lab/index.js';
import { tryClabFile } from '../src/lab/clab-compat.js';

const dir = resolve(process.argv[2] ?? join(PROJECT_DIR, '..', 'shared', 'clab-corpus'));
const verbose = !!process.env.DAMC_CLAB_COMPAT_VERBOSE;
const ctx = dockerContext({ onEvent: verbose ? (m) => console.log(`    ${m}`) : () => {} });
const yamls = (d: string) => {
  if (existsSync(d) && statSync(d).isFile()) return d.includes('/negative/') ? [] : [d];
  return existsSync(d) ? readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(d, f)) : [];
};

async function main(): Promise<void> {
  if (!existsSync(dir)) {
    console.error(`error: ${dir} does not exist; give the corpus directory: scripts/clab-compat DIR`);
    process.exitCode = 1;
    return;
  }
  await ctx.runtime.ping();
  const sum = { files: 0, deployed: 0, failed: 0, unsupported: [] as string[], negative: { files: 0, refused: 0 } };
  for (const f of yamls(dir)) {
    const r = await tryClabFile(f, ctx);
    sum.files++;
    if (r.outcome === 'deployed') sum.deployed++;
    else if (r.outcome === 'unsupported') sum.unsupported.push(`${r.file}: ${r.detail}`);
    else sum.failed++;
    console.log(`${r.outcome.toUpperCase().padEnd(11)} ${r.file}: ${r.detail}${r.problems.length ? ` | ${r.problems.join('; ')}` : ''}`);
  }
  for (const f of yamls(join(dir, 'negative'))) {
    const r = await tryClabFile(f, ctx, true);
    sum.negative.files++;
    if (r.outcome === 'refused') sum.negative.refused++;
    console.log(`${(r.outcome === 'refused' ? 'REFUSED' : 'NOT-REFUSED').padEnd(11)} negative/${r.file}: ${r.detail}${r.problems.length ? ` | ${r.problems.join('; ')}` : ''}`);
  }
  console.log(JSON.stringify(sum));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exitCode = 2;
});
