/**
 * Routing at scale: deploys a generated grid of N routers with N/10 pods (one SG each), and
 * measures, in order:
 *   deploy_s     how long `deploy` took;
 *   converge_s   from deploy returning to every router's FIB matching the shortest paths
 *                (FIB digests read over each router's control socket through /proc/<pid>/root:
 *                no process per router per poll, one poll round a second, and a router
 *                answers a digest it computed once per FIB, not its whole FIB);
 *   idle_flaps   adjacency changes (the routers' own log lines) during the idle window;
 *   idle_cpu_pct_per_router  CPU of every process of every router container over that
 *                window (from /proc on the host), per router, in % of one core;
 *   pss_mb_max   the largest router process PSS after the idle window;
 *   carrier_ms   `ip link set down` on a link in the middle → last FIB change anywhere;
 *   silent_ms    every frame dropped on both ends of another link (nft), carrier up → last FIB
 *                change anywhere (compare with dead_ms, the lab's dead interval).
 * One JSON line per size. Docker and root; run it under the Docker lock.
 *   scripts/bench-scale [N…] [--idle-s S] [--limit-s S]   (default 250, 300 s idle, 300 s to converge)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerContext, Lab } from '../src/lab/index.js';
import { controlRequest } from '../src/node/control-client.js';
import { generateTopology, parseTopology, resolveTopology, topologyToYaml } from '../src/topology/index.js';
import { configsFromYaml, ctlJson, exec, expectedFibs, fibDigest, fibDigestsOf, lastFibChange, pidOf, routers, type FibEntry } from '../test/node/lab-routing.js';

const ctx = dockerContext();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICKS = 100; // USER_HZ

const args = process.argv.slice(2);
let idleS = 300;
let limitS = 300;
const sizes: number[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--idle-s') idleS = Number(args[++i]);
  else if (args[i] === '--limit-s') limitS = Number(args[++i]);
  else sizes.push(Number(args[i]));
}
if (sizes.length === 0) sizes.push(250);

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** A few routers' work so far (what a storm is made of), for the progress lines. */
async function sampleCounters(lab: Lab, nodes: string[]): Promise<string> {
  const pick = [nodes[0]!, nodes[Math.floor(nodes.length / 2)]!, nodes[nodes.length - 1]!];
  const keys = ['lsaOriginated', 'lsaNew', 'lsaRx', 'lsaRetransmits', 'spfRuns', 'helloTx', 'lateMsForgiven'] as const;
  const got = await Promise.all(pick.map((n) => ctlJson<{ router?: Record<string, number> } & Record<string, unknown>>(lab, n, 'counters')));
  return got.map((c, i) => {
    if (!c) return ` ${pick[i]}: -`;
    const flat = (c.router ?? c) as Record<string, number>;
    return ` ${pick[i]}: ${keys.map((k) => `${k}=${flat[k] ?? '?'}`).join(',')}`;
  }).join(';');
}

/** Polls all FIBs once a second until they all match; seconds waited, or NaN after limitS. */
async function converge(lab: Lab, want: Map<string, FibEntry[]>, limitS: number): Promise<{ s: number; wrong: number }> {
  const t0 = Date.now();
  let wrong = want.size;
  let shown = t0;
  while (Date.now() - t0 < limitS * 1000) {
    const got = await fibDigestsOf(lab, [...want.keys()]);
    wrong = [...want].filter(([n, f]) => got.get(n) !== fibDigest(f)).length;
    if (wrong === 0) return { s: (Date.now() - t0) / 1000, wrong };
    if (Date.now() - shown >= 10_000) {
      shown = Date.now();
      const answering = [...got.values()].filter((f) => f !== undefined).length;
      const sample = await sampleCounters(lab, [...want.keys()]);
      console.log(`    ${((shown - t0) / 1000).toFixed(0)} s: ${answering}/${want.size} routers answer, ${want.size - wrong} have the right FIB (load ${loadavg()})${sample}`);
    }
    await sleep(1_000);
  }
  return { s: NaN, wrong };
}

/** utime+stime of every process, by PID namespace (a container's processes share one). */
function cpuByPidns(): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const ns = readlinkSync(`/proc/${p}/ns/pid`);
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out.set(ns, (out.get(ns) ?? 0) + Number(rest[11]) + Number(rest[12]));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** The router program's PSS in MB: the node process in the container's PID namespace. */
function routerPssMb(pidns: string): number {
  let best = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readlinkSync(`/proc/${p}/ns/pid`) !== pidns) continue;
      if (!/main\.(js|bundle\.mjs)/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'))) continue;
      best = Math.max(best, pssMb(p));
    } catch { /* exited meanwhile */ }
  }
  return best;
}

function pssMb(pid: string | number): number {
  return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** CPU ticks of one process. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

/** Each shared router process's status (event-loop utilization since its last status, memory). */
async function poolStatus(labDir: string): Promise<{ pool: string; eventLoopUtilization: number; memoryMb: Record<string, number> }[]> {
  const out = [];
  for (const pool of poolPids(labDir).keys()) {
    try {
      out.push(await controlRequest(join(labDir, `${pool}.sock`), { cmd: 'status' }, 5_000) as { pool: string; eventLoopUtilization: number; memoryMb: Record<string, number> });
    } catch { /* not answering */ }
  }
  return out;
}

/** The lab's shared router processes (hosting: shared): pool name -> PID. */
function poolPids(labDir: string): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const f of readdirSync(labDir)) {
      const m = /^(pool-\d+)\.pid$/.exec(f);
      if (m) out.set(m[1]!, Number(readFileSync(join(labDir, f), 'utf8')));
    }
  } catch { /* no lab dir */ }
  return out;
}

/** Adjacency changes in the window, with a tally of their reasons (printed: what a storm is made of). */
function adjacencyChanges(lab: Lab, nodes: string[], sinceMs: number, untilMs: number): number {
  let n = 0;
  const reasons = new Map<string, number>();
  for (const node of nodes) {
    const text = execFileSync('docker', ['logs', '--since', String(Math.floor(sinceMs / 1000)), `damc-${lab.name}-${node}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    for (const line of text.split('\n')) {
      if (!line.includes('"event":"adjacency"')) continue;
      const j = JSON.parse(line) as { time: string; up?: boolean; reason?: string };
      const t = Date.parse(j.time);
      if (t < sinceMs || t > untilMs) continue;
      n++;
      const r = `${j.up ? 'up' : 'down'}: ${(j.reason ?? '?').replace(/[0-9]+/g, 'N')}`;
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
  }
  if (n > 0) console.log(`  adjacency changes by reason: ${[...reasons].sort((a, b) => b[1] - a[1]).map(([r, k]) => `${k} × ${r}`).join('; ')}`);
  return n;
}

function faultAt(pid: number, script: string): number {
  return Number(execFileSync('nsenter', ['-t', String(pid), '-n', 'sh', '-c', `date +%s%3N; ${script}`], { encoding: 'utf8' }).split('\n')[0]);
}

/** The first SR-SR link of router `node` (its `k`-th interface toward another SR). */
function srLink(cfgs: ReturnType<typeof configsFromYaml>, node: string): [string, string, string, string] {
  const i = cfgs.get(node)!.interfaces.find((x) => x.peerKind === 'damc-sr')!;
  return [node, i.name, i.peerNode, i.peerIface];
}

async function measure(n: number, dir: string): Promise<Record<string, number>> {
  const pods = Math.max(1, Math.floor(n / 10));
  const file = join(dir, `grid${n}.yaml`);
  const raw = generateTopology({ shape: 'grid', nodes: n, pods, name: `bench-scale-${n}-${process.pid}` });
  writeFileSync(file, topologyToYaml(raw));
  const timers = resolveTopology(parseTopology(topologyToYaml(raw), file)).timers;
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  const lab = Lab.fromFile(file, ctx);
  try {
    const t0 = Date.now();
    const rep = await lab.deploy();
    const deployS = (Date.now() - t0) / 1000;
    console.log(`grid ${n} (+${pods} pods, ${all.length} routers): deployed in ${deployS.toFixed(1)} s (phases ${JSON.stringify(rep.phases)}, load ${loadavg()}); timers ${JSON.stringify(timers)}`);
    const want = expectedFibs(cfgs);
    const c = await converge(lab, want, limitS);
    console.log(`  converged ${c.s} s after deploy returned${c.wrong ? ` (${c.wrong} routers still wrong)` : ''}`);

    const pidns = new Map<string, string>();
    for (const r of all) pidns.set(r, readlinkSync(`/proc/${await pidOf(lab, r)}/ns/pid`));
    // A lab that never converged gets a short idle window: its flaps are counted all the same,
    // and the lock others wait for is not held five minutes for a known failure.
    const idleFor = Number.isNaN(c.s) ? Math.min(idleS, 60) : idleS;
    // Hosted routers' CPU is their shared processes' (their containers run a log copier, counted too).
    const pools = poolPids(rep.labDir);
    const idle0 = Date.now();
    const cpu0 = cpuByPidns();
    const pool0 = [...pools.values()].map(cpuOf);
    await poolStatus(rep.labDir);
    await sleep(idleFor * 1000);
    const idleStatus = await poolStatus(rep.labDir);
    const cpu1 = cpuByPidns();
    const pool1 = [...pools.values()].map(cpuOf);
    const idle1 = Date.now();
    let ticks = 0;
    for (const ns of pidns.values()) ticks += (cpu1.get(ns) ?? 0) - (cpu0.get(ns) ?? 0);
    pool1.forEach((t, i) => (ticks += t - pool0[i]!));
    const cpuPct = (ticks / TICKS) / ((idle1 - idle0) / 1000) / all.length * 100;
    const flaps = adjacencyChanges(lab, all, idle0, idle1);
    const pss = Math.max(0, ...[...pidns.values()].map(routerPssMb));
    const poolPss = [...pools.values()].map((p) => { try { return pssMb(p); } catch { return 0; } });
    const hostedPerPool = pools.size ? Math.ceil(rep.nodes.filter((x) => x.kind === 'damc-sr').length / pools.size) : 0;
    const poolLine = pools.size ? `; ${pools.size} shared router processes, PSS ${poolPss.map((x) => x.toFixed(1)).join(', ')} MB (~${hostedPerPool} routers each)` : '';
    console.log(`  idle ${idleFor} s: ${flaps} adjacency changes, ${cpuPct.toFixed(3)} % of a core per router, largest router process PSS ${pss.toFixed(1)} MB${poolLine}`);
    for (const p of idleStatus) console.log(`    ${p.pool}: event loop busy ${(p.eventLoopUtilization * 100).toFixed(2)} % while idle; memory MB ${JSON.stringify(p.memoryMb)}`);

    // Carrier loss on a link in the middle of the grid.
    const mid = `sr${Math.ceil(n / 2)}`;
    const [a, ia, b, ib] = srLink(cfgs, mid);
    const pa = await pidOf(lab, a), pb = await pidOf(lab, b);
    await poolStatus(rep.labDir);
    let t = faultAt(pa, `ip link set ${ia} down`);
    const downWant = expectedFibs(cfgs, new Set([`${a}:${ia}`]));
    await sleep(1_000);
    for (const p of await poolStatus(rep.labDir)) console.log(`    ${p.pool}: event loop busy ${(p.eventLoopUtilization * 100).toFixed(1)} % in the second after the carrier loss`);
    await sleep(2_000);
    const c1 = await converge(lab, downWant, 60);
    const carrier = await lastFibChange(lab, all, t);
    console.log(`  carrier down ${a}:${ia}: last FIB change ${carrier} ms after (FIBs right: ${c1.wrong === 0})`);
    await exec('nsenter', ['-t', String(pa), '-n', 'ip', 'link', 'set', ia, 'up']);
    await converge(lab, want, 60);
    await sleep(3_000);

    // Silent failure on another link: both ends drop everything, carrier stays up.
    const [s, is, p, ip] = srLink(cfgs, `sr${Math.ceil(n / 2) + 1}`);
    const ps = await pidOf(lab, s), pp = await pidOf(lab, p);
    const rules = (i: string) => `nft add table netdev damc_bench; nft add chain netdev damc_bench in '{ type filter hook ingress device ${i} priority 0; policy drop; }'`;
    t = faultAt(ps, `${rules(is)}; nsenter -t ${pp} -n sh -c "${rules(ip).replace(/"/g, '\\"')}"`);
    await sleep(timers.deadIntervalMs + 3_000);
    const c2 = await converge(lab, expectedFibs(cfgs, new Set([`${s}:${is}`])), 60);
    const silent = await lastFibChange(lab, all, t);
    console.log(`  silent failure ${s}:${is} <-> ${p}:${ip}: last FIB change ${silent} ms after (dead interval ${timers.deadIntervalMs} ms; FIBs right: ${c2.wrong === 0})`);
    for (const q of [ps, pp]) await exec('nsenter', ['-t', String(q), '-n', 'nft', 'delete', 'table', 'netdev', 'damc_bench']);
    void ib; void b; void pb;
    return {
      routers: all.length, deploy_s: Number(deployS.toFixed(1)), converge_s: c.s, idle_s: idleFor, idle_flaps: flaps,
      idle_cpu_pct_per_router: Number(cpuPct.toFixed(3)), pss_mb_max: Number(pss.toFixed(1)),
      ...(pools.size ? { pools: pools.size, pool_pss_mb_max: Number(Math.max(...poolPss).toFixed(1)), pool_pss_mb_per_router: Number((Math.max(...poolPss) / Math.max(1, hostedPerPool)).toFixed(2)) } : {}),
      carrier_ms: carrier, silent_ms: silent, dead_ms: timers.deadIntervalMs, hello_ms: timers.helloIntervalMs,
    };
  } finally {
    await lab.destroy().catch(() => undefined);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'damc-bench-scale-'));
try {
  for (const n of sizes) console.log(JSON.stringify(await measure(n, dir)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
