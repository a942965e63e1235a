/**
 * Two network namespaces joined by one veth (eth1 in each), named after the test process so
 * parallel runs never collide, and workers (child Node processes) running inside them.
 * Everything is removed by destroy(), which tests call from after() hooks.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface VethPair {
  nsA: string;
  nsB: string;
  ifname: string;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createVethPair(tag: string, mtu = 1500, sameIndex = false): VethPair {
  const base = `damc-t-${process.pid}-${tag}`;
  const nsA = `${base}-a`;
  const nsB = `${base}-b`;
  const pair: VethPair = {
    nsA,
    nsB,
    ifname: 'eth1',
    destroy() {
      for (const ns of [nsA, nsB]) {
        try {
          ip('netns', 'del', ns); // takes its end of the veth with it
        } catch {
          // never created, or already gone
        }
      }
    },
  };
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    // Distinct ifindexes on the two ends (as on a host where both are allocated from one
    // counter): with equal ones the kernel treats carrier changes as non-urgent and reports
    // them up to a second late (linkwatch_urgent_event compares ifindex and iflink).
    ip('link', 'add', 'eth1', 'netns', nsA, 'index', String(sameIndex ? 7 : 1001), 'mtu', String(mtu), 'type', 'veth',
      'peer', 'name', 'eth1', 'netns', nsB, 'index', String(sameIndex ? 7 : 1002), 'mtu', String(mtu));
    for (const ns of [nsA, nsB]) ip('-n', ns, 'link', 'set', 'eth1', 'up');
  } catch (e) {
    pair.destroy();
    throw e;
  }
  return pair;
}

export function ipIn(ns: string, ...args: string[]): void {
  ip('-n', ns, ...args);
}

type Reply = Record<string, unknown>;

/** A face worker (dist/test/face/face-worker.js) inside a namespace, driven by JSON lines. */
export class Worker {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: Reply) => void)[] = [];
  readonly events: Reply[] = [];
  private readonly eventWaiters: { match: (r: Reply) => boolean; resolve: (r: Reply) => void }[] = [];
  exited: { code: number | null; signal: string | null } | undefined;
  stderr = '';

  /** script: another worker speaking the same protocol (the benchmark's candidates). */
  constructor(ns: string, cpu?: number, script = fileURLToPath(new URL('./face-worker.js', import.meta.url))) {
    const cmd = cpu === undefined ? [] : ['taskset', '-c', String(cpu)];
    this.child = spawn('ip', ['netns', 'exec', ns, ...cmd, process.execPath, script], { stdio: 'pipe' });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.waiting.splice(0)) w({ error: `worker exited (${code ?? signal}): ${this.stderr}` });
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Reply;
      if ('event' in msg) {
        this.events.push(msg);
        const i = this.eventWaiters.findIndex((w) => w.match(msg));
        if (i >= 0) this.eventWaiters.splice(i, 1)[0]?.resolve(msg);
      } else {
        this.waiting.shift()?.(msg);
      }
    });
  }

  /** Sends one command and resolves with its reply; rejects on {error}. */
  call(cmd: Reply): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`worker already exited: ${this.stderr}`));
      this.waiting.push((r) => ('error' in r ? reject(new Error(String(r.error))) : resolve(r)));
      this.child.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  /** Resolves with the first event (past or future) that matches. */
  nextEvent(match: (r: Reply) => boolean, timeoutMs: number, what: string): Promise<Reply> {
    const past = this.events.find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.eventWaiters.push({ match, resolve: (r) => (clearTimeout(t), resolve(r)) });
    });
  }

  kill(): void {
    if (this.exited === undefined && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
