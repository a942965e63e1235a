/**
 * The lab's side of shared router processes (src/node/pool): deploy starts one per pool of
 * the topology's hosting plan on the host, after the links are up, and waits until each has
 * started its routers; destroy ends them by their recorded PID (checked against their command
 * line); restart re-attaches a node's router to its new container. Files per pool in the lab
 * directory: pool-K.json (plan), pool-K.sock (control), pool-K.log (the pool's own log lines),
 * pool-K.pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlRequest } from '../node/control-client.js';
import type { PoolMember, PoolPlan } from '../node/pool/index.js';
import { LabError } from '../util/errors.js';

export { LABEL_POOL } from './labels.js';

/**
 * What a hosted router's container runs: its log FIFO copied to stdout (so `docker logs`
 * shows the router's lines), and nothing else; it ends on SIGTERM at once.
 */
export const HOSTED_CMD = ['bash', '-c', [
  'trap "exit 0" TERM INT',
  'mkdir -p /run/damc && rm -f /run/damc/log.fifo && mkfifo -m 600 /run/damc/log.fifo',
  'echo "damc: this router runs in the shared router process $DAMC_POOL (lab inspect); its log follows" >&2',
  'while :; do cat /run/damc/log.fifo & wait $!; done',
].join('; ')];

const POOL_ENTRY = 'dist/src/node/pool/pool-main.js';
/** Flags as a router's (src/topology/builtin-kinds.ts), but a pool is one heap for many routers. */
const POOL_FLAGS = ['--v8-pool-size=1'];

export function poolFiles(labDir: string, pool: string): { plan: string; socket: string; log: string; pid: string } {
  const base = join(labDir, pool);
  return { plan: `${base}.json`, socket: `${base}.sock`, log: `${base}.log`, pid: `${base}.pid` };
}

interface PoolStatus {
  pool: string;
  pid: number;
  routers: { node: string }[];
  failed: Record<string, string>;
  starting: boolean;
}

/** Starts the lab's pools and waits until each has started (or failed to start) its routers. */
export async function startPools(lab: string, labDir: string, projectDir: string, pools: Map<string, string>, pids: Map<string, number>, timeoutMs = 120_000): Promise<void> {
  const byPool = new Map<string, PoolMember[]>();
  for (const [node, pool] of pools) {
    const list = byPool.get(pool) ?? [];
    list.push({ node, pid: pids.get(node)!, config: join(labDir, node, 'node.json') });
    byPool.set(pool, list);
  }
  for (const [pool, members] of byPool) spawnPool(lab, labDir, projectDir, pool, members);
  await Promise.all([...byPool.keys()].map((p) => waitStarted(labDir, p, timeoutMs)));
}

function spawnPool(lab: string, labDir: string, projectDir: string, pool: string, members: PoolMember[]): number {
  const f = poolFiles(labDir, pool);
  const plan: PoolPlan = { pool, lab, socket: f.socket, members };
  writeFileSync(f.plan, JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
  const out = openSync(f.log, 'a');
  try {
    // DAMC_POOL_FLAGS: more Node flags for the pools (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", "--trace-gc").
    const extra = (process.env.DAMC_POOL_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...POOL_FLAGS, ...extra, join(projectDir, POOL_ENTRY), f.plan], {
      detached: true, stdio: ['ignore', out, out], env: { ...process.env, DAMC_POOL: pool },
    });
    if (child.pid === undefined) throw new LabError('POOL_START', `could not start the shared router process ${pool}`, `see ${f.log}`);
    child.unref();
    writeFileSync(f.pid, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

async function waitStarted(labDir: string, pool: string, timeoutMs: number): Promise<void> {
  const f = poolFiles(labDir, pool);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = readPid(f.pid);
    if (pid === undefined || !processAlive(pid)) {
      throw new LabError('POOL_EXITED', `the shared router process ${pool} exited while starting: ${lastLine(f.log)}`, `its log is ${f.log}`);
    }
    const st = await status(f.socket);
    if (st && !st.starting) {
      const failed = Object.entries(st.failed);
      if (failed.length) {
        throw new LabError('POOL_ROUTER_FAILED', `${pool}: the router of ${failed[0]![0]} did not start: ${failed[0]![1]}` + (failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''),
          `the pool's log is ${f.log}`);
      }
      return;
    }
    if (Date.now() > deadline) throw new LabError('POOL_TIMEOUT', `${pool} did not start its routers within ${timeoutMs / 1000} s`, `see ${f.log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function status(socket: string): Promise<PoolStatus | undefined> {
  if (!existsSync(socket)) return undefined;
  try {
    return await controlRequest(socket, { cmd: 'status' }, 5_000) as PoolStatus;
  } catch {
    return undefined;
  }
}

/** The router of a restarted container runs again in its pool (a new pool if that one ended). */
export async function attachHosted(lab: string, labDir: string, projectDir: string, pool: string, node: string, pid: number): Promise<void> {
  const f = poolFiles(labDir, pool);
  const member: PoolMember = { node, pid, config: join(labDir, node, 'node.json') };
  const running = readPid(f.pid);
  if (running !== undefined && isPool(running, labDir) && await status(f.socket)) {
    await controlRequest(f.socket, { cmd: 'attach', ...member }, 30_000);
    return;
  }
  spawnPool(lab, labDir, projectDir, pool, [member]);
  await waitStarted(labDir, pool, 30_000);
}

/** Ends every pool of a lab directory (SIGTERM, then SIGKILL after 2 s); their names. */
export async function stopPools(labDir: string): Promise<string[]> {
  if (!existsSync(labDir)) return [];
  const ended: string[] = [];
  for (const file of readdirSync(labDir).filter((x) => /^pool-\d+\.pid$/.test(x))) {
    const pid = readPid(join(labDir, file));
    if (pid === undefined || !isPool(pid, labDir)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 2_000;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* ended meanwhile */ }
    ended.push(file.replace(/\.pid$/, ''));
  }
  return ended;
}

/** Is this PID the pool of this lab directory (not a recycled PID)? */
function isPool(pid: number, labDir: string): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.some((a) => a.endsWith(POOL_ENTRY)) && cmd.some((a) => a.startsWith(join(labDir, 'pool-')));
  } catch {
    return false;
  }
}

/** Is the process running (a zombie, ended but not yet reaped by its parent, is not)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function lastLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    return lines[lines.length - 1] ?? '(empty log)';
  } catch {
    return '(no log)';
  }
}
