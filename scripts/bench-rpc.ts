/**
 * Latency of one RPC (1 KB request body, 1 KB answer) at fixed open-loop rates of 100 and 1000
 * req/s on three paths, with the same client (scripts/bench-rpc-load.ts):
 *   (a) direct: client and server in two network namespaces joined by one IP veth;
 *   (b) sidecar pair: the same path through an HAProxy beside each end (client -> its local
 *       HAProxy -> the veth -> the server's HAProxy -> server), what a two-sidecar mesh adds;
 *   (c) DAMC: figure2 deployed (lab name benchrpc), the client in pod1's network namespace
 *       through its SG's proxy (<gateway>:3128) to http://4.B/echo, instance B/4 in pod4.
 * (a) and (b) use a minimal echo server of this script; (c) the pod's own B/4 echo server.
 * If (c) cannot run, it says "DAMC path not available: <what failed>" and its fields are null.
 *
 * max_rps: the highest rate of the ladder the DAMC path sustains with p99 <= MAX_P99_MS and no
 * failed request. Run as root, holding the Docker lock (it deploys and destroys a lab):
 *   flock /tmp/damc-docker.lock scripts/bench-rpc [seconds-per-rate]   (default 5)
 * BENCH_RPC_DAMC=0 skips (c). Human lines on stderr; the last stdout line is JSON.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NetnsSet, NsCommand, sh } from './bench-netns.js';

const run = promisify(execFile);
const secs = Number(process.argv[2] ?? 5);
const RATES = [100, 1000];
const LADDER = [100, 250, 500, 1000, 1500, 2000, 3000, 4000];
// "Sustains": no queue builds up. Past its capacity the p99 jumps from milliseconds to seconds;
// below it, on this shared 2-core machine, p99 already varies 5-20 ms on the direct path.
const MAX_P99_MS = 25;
const BODY = 1024;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOAD_JS = fileURLToPath(new URL('./bench-rpc-load.js', import.meta.url));
const ECHO_JS = fileURLToPath(new URL('./bench-rpc-echo.js', import.meta.url));
const LAB = 'benchrpc';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Target {
  host: string;
  port: number;
  path: string;
  hostHeader?: string;
}
interface LoadResult {
  rate: number;
  count: number;
  failed: number;
  failures: Record<string, number>;
  p50_ms: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** Runs the load generator in a network namespace: `enter` is the command prefix that gets there. */
async function load(enter: string[], t: Target, rate: number, seconds: number, warmupSecs = 1): Promise<LoadResult> {
  const cfg = { ...t, rate, secs: seconds, warmupSecs, bodyBytes: BODY, sockets: 64, timeoutMs: 5_000 };
  const [cmd, ...args] = [...enter, process.execPath, LOAD_JS, JSON.stringify(cfg)];
  const { stdout } = await run(cmd!, args, { maxBuffer: 1 << 20, timeout: (seconds + warmupSecs + 30) * 1000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

function show(path: string, r: LoadResult): void {
  const fails = r.failed ? `, ${r.failed} failed ${JSON.stringify(r.failures)}` : '';
  console.error(`  ${path} at ${r.rate} req/s: p50 ${r.p50_ms} ms, p90 ${r.p90_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms over ${r.count} requests${fails}`);
}

/** Retries a short load until it succeeds with no failure, or says what the last try saw. */
async function ready(enter: string[], t: Target, what: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  let last = '';
  for (;;) {
    try {
      const r = await load(enter, t, 20, 0.25, 0);
      if (r.failed === 0) return;
      last = JSON.stringify(r.failures);
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    }
    if (Date.now() - start > timeoutMs) throw new Error(`${what} did not answer within ${timeoutMs / 1000} s: ${last}`);
    await sleep(500);
  }
}

function haproxyConfig(bind: string, server: string): string {
  return [
    'global', '  nbthread 1', '  maxconn 4096',
    'defaults', '  mode http', '  option http-keep-alive', '  timeout connect 5s', '  timeout client 30s', '  timeout server 30s',
    'frontend in', `  bind ${bind}`, '  default_backend out',
    'backend out', `  server s1 ${server}`, '',
  ].join('\n');
}

type PathResults = Map<number, LoadResult>;

async function ipPaths(): Promise<{ direct: PathResults; sidecar: PathResults }> {
  const net = new NetnsSet();
  const dir = mkdtempSync(join(tmpdir(), 'damc-bench-rpc-'));
  const cleanup = () => {
    net.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  try {
    const cns = net.ns('rpc-client');
    const sns = net.ns('rpc-server');
    net.veth(cns, 'eth1', sns, 'eth1');
    net.exec(cns, 'ip', 'addr', 'add', '10.77.0.1/30', 'dev', 'eth1');
    net.exec(sns, 'ip', 'addr', 'add', '10.77.0.2/30', 'dev', 'eth1');
    writeFileSync(join(dir, 'client.cfg'), haproxyConfig('127.0.0.1:15001', '10.77.0.2:15002'));
    writeFileSync(join(dir, 'server.cfg'), haproxyConfig('10.77.0.2:15002', '127.0.0.1:8080'));
    const echo = net.own(new NsCommand(sns, [process.execPath, ECHO_JS, '0.0.0.0', '8080']));
    const hc = net.own(new NsCommand(cns, ['haproxy', '-db', '-f', join(dir, 'client.cfg')]));
    const hs = net.own(new NsCommand(sns, ['haproxy', '-db', '-f', join(dir, 'server.cfg')]));
    const enter = ['ip', 'netns', 'exec', cns];
    const direct: Target = { host: '10.77.0.2', port: 8080, path: '/echo' };
    const sidecar: Target = { host: '127.0.0.1', port: 15001, path: '/echo' };
    try {
      await ready(enter, direct, 'the echo server', 10_000);
      await ready(enter, sidecar, 'the sidecar pair', 10_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}; echo: ${echo.output} haproxy: ${hc.output} ${hs.output}`);
    }
    const out = { direct: new Map() as PathResults, sidecar: new Map() as PathResults };
    for (const rate of RATES) {
      for (const [name, t] of [['direct', direct], ['sidecar', sidecar]] as const) {
        const r = await load(enter, t, rate, secs);
        show(name, r);
        out[name].set(rate, r);
      }
    }
    return out;
  } finally {
    cleanup();
    process.removeListener('exit', cleanup);
  }
}

function lab(...args: string[]): string {
  return execFileSync(join(ROOT, 'lab'), args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

async function damcPath(): Promise<{ results: PathResults; maxRps: number } | string> {
  const topo = join(ROOT, 'topologies/figure2.yaml');
  let deployed = false;
  const destroy = () => {
    if (!deployed) return;
    deployed = false;
    try {
      lab('destroy', topo, '--name', LAB);
    } catch (e) {
      console.error(`bench-rpc: destroying lab ${LAB} failed: ${(e as Error).message}`);
    }
  };
  process.once('exit', destroy);
  try {
    deployed = true; // a failed deploy may leave part of the lab: destroy in any case
    try {
      lab('deploy', topo, '--name', LAB);
    } catch (e) {
      return `lab deploy failed: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n').slice(-3).join(' ')}`;
    }
    const pid = sh('docker', ['inspect', '-f', '{{.State.Pid}}', `damc-${LAB}-pod1`]).trim();
    const enter = ['nsenter', '-t', pid, '-n'];
    const route = sh('nsenter', ['-t', pid, '-n', 'ip', '-4', 'route', 'show', 'default']);
    const gateway = /via (\S+)/.exec(route)?.[1];
    if (!gateway) return `pod1 has no default route (ip route: ${route.trim() || 'empty'})`;
    const t: Target = { host: gateway, port: 3128, path: 'http://4.B/echo', hostHeader: '4.B' };
    try {
      await ready(enter, t, `B/4 through pod1's SG proxy (${gateway}:3128)`, 60_000);
    } catch (e) {
      return (e as Error).message;
    }
    const results: PathResults = new Map();
    for (const rate of RATES) {
      const r = await load(enter, t, rate, secs);
      show('DAMC', r);
      results.set(rate, r);
    }
    let maxRps = 0;
    for (const rate of LADDER) {
      const r = results.get(rate) ?? await load(enter, t, rate, Math.min(secs, 3));
      if (!results.has(rate)) show('DAMC (max rate search)', r);
      if (r.failed > 0 || r.p99_ms === null || r.p99_ms > MAX_P99_MS) break;
      maxRps = rate;
    }
    // Retransmissions feed a queue at the capacity edge (a late ack taken for a loss): say how many there were.
    for (const n of ['sg1', 'sg4']) {
      try {
        const c = /dataRetransmitted\D*(\d+)/.exec(lab('counters', n, '--lab', LAB))?.[1];
        console.error(`  ${n}: ${c ?? '?'} data segments retransmitted over the whole run`);
      } catch (e) {
        console.error(`  ${n}: counters unavailable (${(e as Error).message.split('\n')[0]})`);
      }
    }
    return { results, maxRps };
  } finally {
    destroy();
    process.removeListener('exit', destroy);
  }
}

if (process.getuid?.() !== 0) {
  console.error('bench-rpc: needs root (network namespaces, veths, Docker)');
  process.exit(1);
}
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => process.exit(130)); // runs the exit cleanups

console.error(`bench-rpc: ${BODY}-byte bodies, open loop, ${secs} s per rate after 1 s of warm-up`);
const ip = await ipPaths();
const damc = process.env.BENCH_RPC_DAMC === '0' ? 'skipped (BENCH_RPC_DAMC=0)' : await damcPath();
if (typeof damc === 'string') console.error(`DAMC path not available: ${damc}`);
else console.error(`DAMC max rate with p99 <= ${MAX_P99_MS} ms and no failure (ladder ${LADDER.join(', ')}): ${damc.maxRps} req/s`);

const at = 1000;
const p = (m: PathResults | undefined, q: 'p50_ms' | 'p99_ms') => m?.get(at)?.[q] ?? null;
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Number((a - b).toFixed(3)));
const d = typeof damc === 'string' ? undefined : damc.results;
console.log(JSON.stringify({
  direct_p50_ms: p(ip.direct, 'p50_ms'), direct_p99_ms: p(ip.direct, 'p99_ms'),
  sidecar_p50_ms: p(ip.sidecar, 'p50_ms'), sidecar_p99_ms: p(ip.sidecar, 'p99_ms'),
  damc_p50_ms: p(d, 'p50_ms'), damc_p99_ms: p(d, 'p99_ms'),
  added_p50_ms: diff(p(d, 'p50_ms'), p(ip.direct, 'p50_ms')), added_p99_ms: diff(p(d, 'p99_ms'), p(ip.direct, 'p99_ms')),
  sidecar_added_p50_ms: diff(p(ip.sidecar, 'p50_ms'), p(ip.direct, 'p50_ms')),
  sidecar_added_p99_ms: diff(p(ip.sidecar, 'p99_ms'), p(ip.direct, 'p99_ms')),
  max_rps: typeof damc === 'string' ? null : damc.maxRps,
}));
