/**
 * RSS of every router process on figure2 after it converged (and 5 s more of hellos and
 * refreshes). ROUTER_NODE_FLAGS="--max-semi-space-size=1 …" runs the routers as
 * `node <flags> main.js` (a temporary copy of the YAML with `cmd:` set) to compare flags.
 * Prints figures and one JSON line; asserts nothing.
 *   scripts/bench-router-rss
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { dockerContext, Lab, PROJECT_DIR } from '../src/lab/index.js';
import { configsFromYaml, expectedFibs, routers, run, waitFibs } from '../test/node/lab-routing.js';

const flags = (process.env.ROUTER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'damc-bench-rss-'));
const file = join(dir, 'figure2.yaml');
const topo = parse(readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8')) as { topology: { nodes: Record<string, { kind: string; cmd?: string[] }> } };
if (flags.length) {
  for (const n of Object.values(topo.topology.nodes)) {
    if (n.kind === 'damc-sg' || n.kind === 'damc-sr') n.cmd = ['node', ...flags, '/opt/damc/dist/src/node/main.js'];
  }
}
writeFileSync(file, stringify(topo));
const lab = Lab.fromFile(file, dockerContext(), { name: `bench-rss-${process.pid}` });
try {
  await lab.deploy();
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  await waitFibs(lab, new Map([...expectedFibs(cfgs)].filter(([n]) => all.includes(n))), 30_000);
  await new Promise((r) => setTimeout(r, 5_000));
  const rss: Record<string, number> = {};
  for (const n of all) {
    // The router is the node process whose command line names main.js (PID 1 is docker-init).
    const r = await run(lab, n, ['sh', '-c', 'for p in /proc/[0-9]*; do grep -qa main.js $p/cmdline 2>/dev/null && grep -q "^Name:.*node" $p/status && grep VmRSS $p/status; done']);
    rss[n] = Math.round(Number(/(\d+) kB/.exec(r.out)?.[1] ?? NaN) / 102.4) / 10;
  }
  console.log(`figure2 routers${flags.length ? ` (node ${flags.join(' ')})` : ''}: ${Object.entries(rss).map(([k, v]) => `${k} ${v} MB`).join(', ')}`);
  console.log(JSON.stringify({ router_rss_mb_max: Math.max(...Object.values(rss)) }));
} finally {
  await lab.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
