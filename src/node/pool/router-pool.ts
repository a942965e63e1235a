/**
 * A shared router process: one Node process (one per core, started by `lab deploy` on the
 * host) running the routers of many SR containers. Each router is the same program as in its
 * own container (src/node/router-main.ts startRouter): its faces, link monitor and interface
 * queries are opened inside its container's network namespace (src/face/netns.ts), its control
 * socket is bound inside its container's filesystem (/proc/<pid>/root/run/damc/control.sock, so
 * `lab fib` and `docker exec … ctl` find it where they always do), its sequence numbers are kept
 * in the container's state dir, and its log lines go to the container's log (a FIFO the
 * container's placeholder copies to its stdout, so `docker logs` shows them).
 *
 * Why: at 250 routers, 250 Node processes each spent ~0.8 s of CPU starting up (every process
 * compiles the same code, verifies the same LSAs, collects its own garbage): more than two
 * cores give in a minute, so timers fired tens of seconds late and the lab never converged.
 *
 * The container stays the router's home: when its first process exits (`docker kill`, `docker
 * stop`, `lab destroy`) the router here stops as a crashed one would and lets go of the
 * namespace, so the kernel removes its veths and the neighbors see carrier loss.
 */
import { closeSync, constants, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { Netns } from '../../face/netns.js';
import { interfaceState } from '../../face/interface-state.js';
import { isLabError, LabError } from '../../util/errors.js';
import { loggerTo, type Logger } from '../../util/log.js';
import { CONTROL_SOCKET, NODE_STATE_DIR, readNodeConfig } from '../config.js';
import { fabricInterfaces } from '../router-node.js';
import { startRouter, type RunningRouter } from '../router-main.js';

/** The FIFO a hosted router's container copies to its stdout (see HOSTED_CMD). */
export const LOG_FIFO = '/run/damc/log.fifo';

export interface PoolMember {
  node: string;
  /** The container's first process (docker inspect State.Pid). */
  pid: number;
  /** Host path of the node's config (the lab directory's <node>/node.json). */
  config: string;
}

/** A pool's plan file (written by `lab deploy`, src/lab/pools.ts). */
export interface PoolPlan {
  pool: string;
  lab: string;
  /** Unix socket of this pool (in the lab directory). */
  socket: string;
  members: PoolMember[];
}

export interface MemberView {
  node: string;
  pid: number;
  since: string;
  logLinesDropped: number;
}

class Member {
  logLinesDropped = 0;
  readonly since = new Date().toISOString();
  constructor(readonly m: PoolMember, readonly ns: Netns, readonly router: RunningRouter, private readonly logFd: number | undefined) {}

  view(): MemberView {
    return { node: this.m.node, pid: this.m.pid, since: this.since, logLinesDropped: this.logLinesDropped };
  }

  close(crash: boolean): void {
    this.router.close({ crash });
    // The faces close at the end of this turn (their last frames leave first); the namespace
    // and the log after them, so the kernel can free the container's veths.
    setImmediate(() => {
      this.ns.close();
      if (this.logFd !== undefined) try { closeSync(this.logFd); } catch { /* gone */ }
    });
  }
}

export class RouterPool {
  private readonly members = new Map<string, Member>();
  private readonly attaching = new Set<string>();
  private readonly watch: NodeJS.Timeout;
  private emptySince: number | undefined;

  /** `onEmpty`: called once no router has run here for `idleExitMs` (every container gone). */
  constructor(readonly name: string, private readonly log: Logger, private readonly onEmpty: () => void, private readonly idleExitMs = 10_000) {
    // A container's end is seen by polling its first process: 4 times a second, one kill(0) each.
    this.watch = setInterval(() => this.reap(), 250);
  }

  /** Starts the router of one container (replacing the one it ran before, after a restart). */
  async attach(m: PoolMember): Promise<MemberView> {
    if (this.attaching.has(m.node)) throw new LabError('POOL_BUSY', `${m.node} is being attached already`);
    this.attaching.add(m.node);
    try {
      this.members.get(m.node)?.close(true);
      this.members.delete(m.node);
      const cfg = await readNodeConfig(readFileSync(m.config, 'utf8'), m.config);
      const root = `/proc/${m.pid}/root`;
      const ns = new Netns(`/proc/${m.pid}/ns/net`);
      let logFd: number | undefined;
      try {
        const missing = fabricInterfaces(cfg).map((i) => i.name).filter((n) => {
          try {
            ns.run(() => interfaceState(n));
            return false;
          } catch {
            return true;
          }
        });
        if (missing.length) {
          throw new LabError('POOL_NO_INTERFACE', `${m.node}: interfaces ${missing.join(', ')} are not in its container (pid ${m.pid})`,
            'the lab plugs links in before attaching routers; `./lab restart <node>` plugs them again');
        }
        mkdirSync(`${root}/run/damc`, { recursive: true });
        logFd = openLog(`${root}${LOG_FIFO}`);
        const member = { node: m.node, dropped: 0 };
        const dest = {
          write: (line: string) => {
            if (logFd === undefined) return void process.stdout.write(line);
            try {
              writeSync(logFd, line);
            } catch {
              // The container is not reading (gone, or its pipe is full): a line lost, counted.
              const x = this.members.get(member.node);
              if (x) x.logLinesDropped++;
            }
          },
        };
        const log = loggerTo(dest, 'router', { node: m.node, pool: this.name });
        const router = await startRouter(cfg, log, { within: ns.within, controlPath: `${root}${CONTROL_SOCKET}`, stateDir: `${root}${NODE_STATE_DIR}` });
        const x = new Member(m, ns, router, logFd);
        this.members.set(m.node, x);
        this.emptySince = undefined;
        this.log.info({ node: m.node, pid: m.pid, log: logFd !== undefined ? 'container' : 'pool' }, 'router attached');
        return x.view();
      } catch (e) {
        ns.close();
        if (logFd !== undefined) closeSync(logFd);
        throw e;
      }
    } finally {
      this.attaching.delete(m.node);
    }
  }

  /** Stops one router (graceful: its LSAs are flushed). */
  detach(node: string): boolean {
    const x = this.members.get(node);
    if (!x) return false;
    this.members.delete(node);
    x.close(false);
    this.log.info({ node }, 'router detached');
    return true;
  }

  /** Its routers, and how loaded the process is: event-loop utilization since the last status
   *  (0–1: the share of time it was running JS or I/O callbacks) and memory in MB. */
  status(): { pool: string; pid: number; routers: MemberView[]; eventLoopUtilization: number; memoryMb: Record<string, number> } {
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const mem = Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20 * 10) / 10]));
    return { pool: this.name, pid: process.pid, routers: [...this.members.values()].map((x) => x.view()), eventLoopUtilization: Number(elu.utilization.toFixed(4)), memoryMb: mem };
  }

  private lastElu = performance.eventLoopUtilization();

  /** Every router stops gracefully (SIGTERM to the pool). */
  stop(): void {
    clearInterval(this.watch);
    for (const node of [...this.members.keys()]) this.detach(node);
  }

  private reap(): void {
    for (const [node, x] of this.members) {
      try {
        process.kill(x.m.pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
        this.members.delete(node);
        x.close(true);
        this.log.info({ node, pid: x.m.pid }, 'container gone; its router stopped');
      }
    }
    if (this.members.size > 0 || this.attaching.size > 0) return;
    this.emptySince ??= Date.now();
    if (Date.now() - this.emptySince >= this.idleExitMs) {
      clearInterval(this.watch);
      this.onEmpty();
    }
  }
}

/** The container's log FIFO, opened without blocking; undefined (the pool's log) when absent. */
function openLog(path: string): number | undefined {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
}

export function describeError(e: unknown): Record<string, unknown> {
  return isLabError(e) ? { code: e.code, hint: e.hint, err: e.message } : { err: e instanceof Error ? e.message : String(e) };
}
