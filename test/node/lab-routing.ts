/**
 * Helpers for routing checks on a deployed lab (Docker tests and scripts/bench-convergence):
 * the expectation straight from the topology YAML, the ctl inside containers, faults made the
 * way a person would (ip link, nft, docker kill) and re-plugging a restarted node's links.
 */
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { Lab } from '../../src/lab/index.js';
import { CONTROL_SOCKET, type NodeConfig, type NodeKind } from '../../src/node/config.js';
import { controlRequest } from '../../src/node/control-client.js';
import { expectedFibs, type FibEntry } from './expect-fib.js';

export const exec = promisify(execFile);
/** The SCSC runs routing too, as a one-link stub router originating /damc/scsc. */
export const ROUTER_KINDS = new Set(['damc-sg', 'damc-sr', 'damc-scsc']);

interface YamlTopo {
  name: string;
  topology: { nodes: Record<string, { kind: NodeKind; services?: string[] }>; links: { endpoints: [string, string]; cost?: number }[] };
}

/** Node configs as far as routing goes, read from the YAML alone (not through src/topology). */
export function configsFromYaml(file: string): Map<string, NodeConfig> {
  const t = parse(readFileSync(file, 'utf8')) as YamlTopo;
  const out = new Map<string, NodeConfig>();
  for (const [node, n] of Object.entries(t.topology.nodes)) {
    out.set(node, {
      lab: t.name, node, kind: n.kind, routerName: n.kind === 'damc-scsc' ? `/damc/scsc/${node}` : `/damc/router/${node}`, interfaces: [],
      prefixes: n.kind === 'damc-scsc' ? ['/damc/scsc'] : [],
      privateKeyPem: '', trust: {}, routerNodes: {}, timers: { helloIntervalMs: 0, deadIntervalMs: 0, lsaLifetimeS: 0, lsaRefreshS: 0 }, env: {},
    });
  }
  for (const l of t.topology.links) {
    const [a, b] = l.endpoints.map((e) => e.split(':') as [string, string]) as [[string, string], [string, string]];
    const ca = out.get(a[0])!, cb = out.get(b[0])!;
    ca.interfaces.push({ name: a[1], peerNode: b[0], peerIface: b[1], peerKind: cb.kind, cost: l.cost ?? 1, mtu: 0 });
    cb.interfaces.push({ name: b[1], peerNode: a[0], peerIface: a[1], peerKind: ca.kind, cost: l.cost ?? 1, mtu: 0 });
  }
  for (const c of out.values()) {
    if (c.kind !== 'damc-sg') continue;
    const p = new Set<string>();
    for (const i of c.interfaces) {
      for (const s of t.topology.nodes[i.peerNode]?.services ?? []) {
        p.add(`/${s}`);
        p.add(`/${s.split('/')[0]}`);
      }
    }
    c.prefixes = [...p].sort();
  }
  return out;
}

export function routers(cfgs: Map<string, NodeConfig>): string[] {
  return [...cfgs.values()].filter((c) => ROUTER_KINDS.has(c.kind)).map((c) => c.node).sort();
}

export async function run(lab: Lab, node: string, cmd: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
  const code = await lab.exec(node, cmd, { stdout: sink, stderr: sink });
  return { code, out };
}

/** The ctl as a person runs it: `node …/ctl.js <view> --json` inside the container. */
export async function ctlExec<T>(lab: Lab, node: string, view: string): Promise<T | undefined> {
  const r = await run(lab, node, ['node', '/opt/damc/dist/src/node/ctl.js', view, '--json']);
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.out) as T;
  } catch {
    return undefined;
  }
}

/**
 * The same answer straight from the node's control socket, reached from the host through
 * /proc/<pid>/root: no process is started per question, so polling 50 routers does not starve
 * them (a `docker exec` of node costs ~0.1 s of CPU each).
 */
export async function ctlJson<T>(lab: Lab, node: string, view: string): Promise<T | undefined> {
  try {
    const pid = await pidOf(lab, node);
    if (pid <= 0) return undefined;
    return (await controlRequest(`/proc/${pid}/root${CONTROL_SOCKET}`, { cmd: view }, 3_000)) as T;
  } catch {
    return undefined;
  }
}

/** Each router's FIB digest (`fib-digest`: computed once per FIB, so polling costs the routers nothing between SPF runs). */
export async function fibDigestsOf(lab: Lab, nodes: string[]): Promise<Map<string, string | undefined>> {
  const got = await Promise.all(nodes.map((n) => ctlJson<{ digest: string }>(lab, n, 'fib-digest')));
  return new Map(nodes.map((n, i) => [n, got[i]?.digest]));
}

/** The digest `fib-digest` gives for this FIB view. */
export function fibDigest(fib: readonly FibEntry[]): string {
  return createHash('sha256').update(JSON.stringify(fib)).digest('hex');
}

export async function fibsOf(lab: Lab, nodes: string[]): Promise<Map<string, FibEntry[] | undefined>> {
  const got = await Promise.all(nodes.map((n) => ctlJson<FibEntry[]>(lab, n, 'fib')));
  return new Map(nodes.map((n, i) => [n, got[i]]));
}

/** Polls every router's FIB until all equal the expectation; returns ms waited, or throws with the difference. */
export async function waitFibs(lab: Lab, want: Map<string, FibEntry[]>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  let last = new Map<string, FibEntry[] | undefined>();
  while (Date.now() - t0 < timeoutMs) {
    last = await fibsOf(lab, [...want.keys()]);
    if ([...want].every(([n, f]) => JSON.stringify(last.get(n)) === JSON.stringify(f))) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
  }
  const diff = [...want].filter(([n, f]) => JSON.stringify(last.get(n)) !== JSON.stringify(f))
    .map(([n, f]) => `${n}:\n  got  ${JSON.stringify(last.get(n))}\n  want ${JSON.stringify(f)}`);
  throw new Error(`FIBs not as expected after ${timeoutMs} ms:\n${diff.join('\n')}`);
}

const pids = new WeakMap<Lab, Map<string, number>>();

/** The container's init PID, cached until `forget` (a restart changes it). */
export async function pidOf(lab: Lab, node: string): Promise<number> {
  let m = pids.get(lab);
  if (!m) pids.set(lab, (m = new Map()));
  let pid = m.get(node);
  if (pid === undefined) m.set(node, (pid = (await lab.container(node)).pid));
  return pid;
}

export function forgetPid(lab: Lab, node: string): void {
  pids.get(lab)?.delete(node);
}

export async function inNetns(pid: number, args: string[]): Promise<void> {
  await exec('nsenter', ['-t', String(pid), '-n', ...args]);
}

/** Drops every frame arriving on the interface (nft netdev ingress), carrier untouched: a silent failure. */
export async function silence(pid: number, iface: string, on: boolean): Promise<void> {
  const table = `damc_silence_${iface}`;
  if (on) {
    await inNetns(pid, ['nft', 'add', 'table', 'netdev', table]);
    await inNetns(pid, ['nft', 'add', 'chain', 'netdev', table, 'in', `{ type filter hook ingress device ${iface} priority 0; policy drop; }`]);
  } else {
    await inNetns(pid, ['nft', 'delete', 'table', 'netdev', table]);
  }
}

/**
 * The last FIB change anywhere since `sinceMs` (ms after it; NaN if none), from the routers'
 * own log lines ("spf run: N fib entries changed"): no poller's timing involved.
 */
export async function lastFibChange(lab: Lab, nodes: string[], sinceMs: number): Promise<number> {
  let last = -1;
  for (const n of nodes) {
    let text = '';
    try {
      text = execFileSync('docker', ['logs', '--since', String(Math.floor(sinceMs / 1000) - 1), `damc-${lab.name}-${n}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      continue; // a killed node
    }
    for (const line of text.split('\n')) {
      if (!line.includes('"fibChanges"')) continue;
      const j = JSON.parse(line) as { time: string; fibChanges: number };
      const t = Date.parse(j.time);
      if (j.fibChanges > 0 && t >= sinceMs) last = Math.max(last, t);
    }
  }
  return last < 0 ? NaN : last - sinceMs;
}

export { expectedFibs, type FibEntry };
