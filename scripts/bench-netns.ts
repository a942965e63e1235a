/**
 * Network namespaces, veths and processes a benchmark creates for itself, and removes: every
 * namespace is named damc-b<pid>-<tag> (so two runs never collide and nothing of anyone else's
 * is touched), and destroy() deletes exactly those (each takes its veth ends with it) after
 * killing the processes it started, by PID. Benchmarks call destroy() from finally and on
 * SIGINT/SIGTERM.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

type Reply = Record<string, unknown>;

/**
 * A Node program inside a namespace, driven by JSON lines: each command gets one line back with
 * a "reply" field. Other stdout lines (the router's pino logs) are kept for diagnostics only.
 */
export class NsProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: Reply) => void)[] = [];
  exited: string | undefined;
  readonly log: string[] = [];

  constructor(readonly ns: string, argv: string[], cpu?: number, env: Record<string, string> = {}) {
    const pin = cpu === undefined ? [] : ['taskset', '-c', String(cpu)];
    // BENCH_NICE=-10: the benchmark's processes ahead of other work on a shared machine (opt-in).
    if (process.env.BENCH_NICE) pin.unshift('nice', '-n', process.env.BENCH_NICE);
    this.child = spawn('ip', ['netns', 'exec', ns, ...pin, ...argv], { stdio: 'pipe', env: { ...process.env, ...env } });
    const keep = (l: string) => {
      this.log.push(l);
      if (this.log.length > 200) this.log.shift();
    };
    createInterface({ input: this.child.stderr }).on('line', keep);
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (${code ?? signal})`;
      for (const w of this.waiting.splice(0)) w({ reply: false, error: `${argv.join(' ')} in ${ns} ${this.exited}: ${this.log.slice(-5).join(' | ')}` });
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg: Reply | undefined;
      try {
        msg = JSON.parse(line) as Reply;
      } catch {
        msg = undefined;
      }
      if (msg && 'reply' in msg) this.waiting.shift()?.(msg);
      else keep(line);
    });
  }

  call(cmd: Reply): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.ns}: process already ${this.exited}: ${this.log.slice(-5).join(' | ')}`));
      this.waiting.push((r) => ('error' in r ? reject(new Error(String(r.error))) : resolve(r)));
      this.child.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  kill(): void {
    if (this.exited === undefined && this.child.pid !== undefined) {
      try {
        // `ip netns exec` execs the program, so this PID is the program itself.
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Any command inside a namespace (a server, a proxy), its output kept for error messages. */
export class NsCommand {
  readonly child: ChildProcessWithoutNullStreams;
  exited: string | undefined;
  output = '';

  constructor(readonly ns: string, argv: string[]) {
    this.child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'pipe' });
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-2000));
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.child.on('exit', (code, signal) => (this.exited = `exited (${code ?? signal})`));
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

export class NetnsSet {
  private readonly names: string[] = [];
  private readonly procs: { kill(): void }[] = [];
  private readonly prefix = `damc-b${process.pid}-`;

  ns(tag: string): string {
    const n = this.prefix + tag;
    sh('ip', ['netns', 'add', n]);
    this.names.push(n);
    // Quiet links: no IPv6 autoconfiguration or router solicitations on the veths.
    this.exec(n, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    this.exec(n, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1');
    this.exec(n, 'ip', 'link', 'set', 'lo', 'up');
    return n;
  }

  /** A veth between two of our namespaces, up at both ends. */
  veth(nsA: string, ifA: string, nsB: string, ifB: string, mtu = 1500): void {
    sh('ip', ['link', 'add', ifA, 'netns', nsA, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB, 'mtu', String(mtu)]);
    this.exec(nsA, 'ip', 'link', 'set', ifA, 'up');
    this.exec(nsB, 'ip', 'link', 'set', ifB, 'up');
  }

  exec(ns: string, cmd: string, ...args: string[]): string {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args]);
  }

  mac(ns: string, ifname: string): string {
    return this.exec(ns, 'cat', `/sys/class/net/${ifname}/address`).trim();
  }

  /** Kernel counters of an interface (rx/tx packets and drops). */
  stats(ns: string, ifname: string): { rxPackets: number; rxDropped: number; txPackets: number; txDropped: number } {
    const j = JSON.parse(sh('ip', ['-n', ns, '-s', '-j', 'link', 'show', 'dev', ifname])) as
      { stats64: { rx: { packets: number; dropped: number }; tx: { packets: number; dropped: number } } }[];
    const s = j[0]!.stats64;
    return { rxPackets: s.rx.packets, rxDropped: s.rx.dropped, txPackets: s.tx.packets, txDropped: s.tx.dropped };
  }

  /** Remembers a process to kill (by its PID) in destroy(). */
  own<P extends { kill(): void }>(p: P): P {
    this.procs.push(p);
    return p;
  }

  destroy(): void {
    for (const p of this.procs.splice(0)) p.kill();
    for (const n of this.names.splice(0).reverse()) {
      try {
        sh('ip', ['netns', 'del', n]);
      } catch {
        // already gone
      }
    }
  }
}
