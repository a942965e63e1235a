/**
 * Convergence time on figure2 and a generated 50-router grid: from the fault to the last FIB
 * change anywhere, for (a) carrier down (`ip link set down` inside a node), (b) a silent
 * failure (nft drops every frame on both ends, carrier stays up), (c) a router killed
 * (`docker kill`). The fault's time is taken inside the namespace right before the command;
 * the FIB changes come from the routers' own log lines ("spf run: N fib entries changed").
 * Prints figures and one JSON line; asserts nothing (it does check the FIBs end up right).
 *   scripts/bench-convergence [--hosting auto|container|shared]   (the grid's; figure2 stays as written)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab, PROJECT_DIR } from '../src/lab/index.js';
import { generateTopology, topologyToYaml, type HostingMode } from '../src/topology/index.js';
import { configsFromYaml, exec, expectedFibs, forgetPid, lastFibChange, pidOf, routers, waitFibs } from '../test/node/lab-routing.js';

const QUIET_MS = 3_000; // > 2 x the SPF max hold: every router is back to its fast path
const ctx = dockerContext();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Runs shell lines in a node's namespace, printing the ns clock first: that is the fault's time. */
function faultAt(pid: number, script: string): number {
  const out = execFileSync('nsenter', ['-t', String(pid), '-n', 'sh', '-c', `date +%s%3N; ${script}`], { encoding: 'utf8' });
  return Number(out.split('\n')[0]);
}

async function measure(file: string, name: string, link: [string, string, string, string], victim: string): Promise<[number, number, number]> {
  const lab = Lab.fromFile(file, ctx, { name });
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  const want = (down: string[] = [], dead: string[] = []) =>
    new Map([...expectedFibs(cfgs, new Set(down), new Set(dead))].filter(([n]) => all.includes(n) && !dead.includes(n)));
  const [a, ia, b, ib] = link;
  try {
    const d = await lab.deploy();
    console.log(`${name}: ${all.length} routers deployed in ${d.seconds} s; converged ${await waitFibs(lab, want(), 60_000)} ms later`);
    await sleep(QUIET_MS);

    const pa = await pidOf(lab, a), pb = await pidOf(lab, b);
    let t0 = faultAt(pa, `ip link set ${ia} down`);
    await sleep(2_000);
    await waitFibs(lab, want([`${a}:${ia}`]), 20_000);
    const carrier = await lastFibChange(lab, all, t0);
    console.log(`  (a) carrier down ${a}:${ia}: last FIB change ${carrier} ms after`);
    await exec('nsenter', ['-t', String(pa), '-n', 'ip', 'link', 'set', ia, 'up']);
    await waitFibs(lab, want(), 20_000);
    await sleep(QUIET_MS);

    const rules = (i: string) => `nft add table netdev damc_bench; nft add chain netdev damc_bench in '{ type filter hook ingress device ${i} priority 0; policy drop; }'`;
    t0 = faultAt(pa, `${rules(ia)}; nsenter -t ${pb} -n sh -c "${rules(ib).replace(/"/g, '\\"')}"`);
    await sleep(3_000);
    await waitFibs(lab, want([`${a}:${ia}`]), 20_000);
    const silent = await lastFibChange(lab, all, t0);
    console.log(`  (b) silent failure ${a}:${ia} <-> ${b}:${ib}: last FIB change ${silent} ms after`);
    for (const p of [pa, pb]) await exec('nsenter', ['-t', String(p), '-n', 'nft', 'delete', 'table', 'netdev', 'damc_bench']);
    await waitFibs(lab, want(), 20_000);
    await sleep(QUIET_MS);

    t0 = Date.now();
    await exec('docker', ['kill', `damc-${name}-${victim}`]);
    forgetPid(lab, victim);
    await sleep(3_000);
    await waitFibs(lab, want([], [victim]), 20_000);
    const crash = await lastFibChange(lab, all.filter((n) => n !== victim), t0);
    console.log(`  (c) docker kill ${victim}: last FIB change ${crash} ms after`);
    return [carrier, silent, crash];
  } finally {
    await lab.destroy().catch(() => undefined);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'damc-bench-conv-'));
try {
  const grid = join(dir, 'grid50.yaml');
  const hosting = process.argv.includes('--hosting') ? process.argv[process.argv.indexOf('--hosting') + 1] : undefined;
  writeFileSync(grid, topologyToYaml({ ...generateTopology({ shape: 'grid', nodes: 50 }), ...(hosting ? { hosting: hosting as HostingMode } : {}) }));
  const f = await measure(join(PROJECT_DIR, 'topologies/figure2.yaml'), `bench-conv-f2-${process.pid}`, ['sg1', 'eth3', 'sr1', 'eth1'], 'sr1');
  const g = await measure(grid, `bench-conv-g50-${process.pid}`, ['sr23', 'eth2', 'sr22', 'eth3'], 'sr23');
  console.log(JSON.stringify({ carrier_ms: f[0], silent_ms: f[1], crash_ms: f[2], grid_carrier_ms: g[0], grid_silent_ms: g[1], grid_crash_ms: g[2], ...(hosting ? { grid_hosting: hosting } : {}) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
