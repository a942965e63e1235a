/**
 * RSS of every router process on figure2 after it converged (and 5 s more of hellos and
 * refreshes). ROUTER_NODE_FLAGS="--max-semi-space-size=1 …" runs the routers as
 * `node <flags> main.js` (a temporary copy of the YAML with `cmd:` set) to compare flags.
 * Prints RSS, PSS and USS per router and one JSON line; asserts nothing.
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
  // RSS counts every page the process maps, the ~30 MB of the node binary that all routers
  // share included; PSS splits shared pages among their users and USS is what this router
  // alone holds (what one more router costs the machine). All three are printed.
  const rss: Record<string, number> = {}, pss: Record<string, number> = {}, uss: Record<string, number> = {};
  const mb = (kb: string | undefined) => Math.round(Number(kb ?? NaN) / 102.4) / 10;
  for (const n of all) {
    // The router is the node process whose command line names main.js (PID 1 is docker-init).
    const r = await run(lab, n, ['sh', '-c', 'for p in /proc/[0-9]*; do grep -qa main.js $p/cmdline 2>/dev/null && grep -q "^Name:.*node" $p/status && grep VmRSS $p/status && grep -E "^(Pss|Private_Clean|Private_Dirty):" $p/smaps_rollup; done']);
    rss[n] = mb(/VmRSS:\s+(\d+) kB/.exec(r.out)?.[1]);
    pss[n] = mb(/Pss:\s+(\d+) kB/.exec(r.out)?.[1]);
    uss[n] = Math.round((mb(/Private_Clean:\s+(\d+) kB/.exec(r.out)?.[1]) + mb(/Private_Dirty:\s+(\d+) kB/.exec(r.out)?.[1])) * 10) / 10;
  }
  const line = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`figure2 routers${flags.length ? ` (node ${flags.join(' ')})` : ''}, MB:\n  RSS ${line(rss)}\n  PSS ${line(pss)}\n  USS ${line(uss)}`);
  const max = (m: Record<string, number>) => Math.max(...Object.values(m));
  console.log(JSON.stringify({ router_rss_mb_max: max(rss), router_pss_mb_max: max(pss), router_uss_mb_max: max(uss) }));
} finally {
  await lab.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
