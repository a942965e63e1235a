/**
 * Deploys and destroys figure2 and a generated N-node grid (default 50), printing the times;
 * the last line is one JSON object for tools. Prints figures; asserts nothing.
 *   scripts/bench-deploy [N]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, dockerContext, PROJECT_DIR } from '../src/lab/index.js';
import { generateTopology, topologyToYaml } from '../src/topology/index.js';
import { isLabError } from '../src/util/errors.js';

const n = Number(process.argv[2] ?? 50);
const ctx = dockerContext({ onEvent: (m) => console.log(`  ${m}`) });

async function timed(lab: Lab): Promise<[number, number]> {
  try {
    const d = await lab.deploy();
    console.log(`${lab.name}: deploy ${d.seconds.toFixed(2)} s (${Object.entries(d.phases).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    const r = await lab.destroy();
    console.log(`${lab.name}: destroy ${r.seconds.toFixed(2)} s (${r.removed.length} containers)`);
    return [d.seconds, r.seconds];
  } finally {
    await lab.destroy().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  await ctx.runtime.ping();
  console.log(`node image: ${await ctx.image.ensure()}`);
  const [f2d, f2x] = await timed(Lab.fromFile(join(PROJECT_DIR, 'topologies/figure2.yaml'), ctx, { name: 'bench-figure2' }));
  const dir = mkdtempSync(join(tmpdir(), 'damc-bench-'));
  try {
    const file = join(dir, 'grid.yaml');
    writeFileSync(file, topologyToYaml(generateTopology({ shape: 'grid', nodes: n })));
    const [gd, gx] = await timed(Lab.fromFile(file, ctx, { name: `bench-grid${n}` }));
    console.log(JSON.stringify({ figure2_deploy_s: f2d, figure2_destroy_s: f2x, grid_nodes: n, grid_deploy_s: gd, grid_destroy_s: gx }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(isLabError(e) ? e.describe() : e);
  process.exitCode = 1;
});
