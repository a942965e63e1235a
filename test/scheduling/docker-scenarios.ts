/**
 * The scheduling scenarios on the real lab (figure2 + `scheduling: { spread: pool }`), shared
 * by the @docker test and scripts/bench-scheduling: A/1's calls to /B are a curl loop inside
 * pod1 (through its SG, as a person runs them), one line per call with its time, HTTP status
 * and the instance that answered. Faults are the pod knobs (this kernel has no sch_netem) and
 * SIGKILL of the SCSC's container init.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/index.js';
import { PROJECT_DIR } from '../../src/lab/index.js';
import { CONTROL_SOCKET } from '../../src/node/config.js';
import { controlRequest } from '../../src/node/control-client.js';
import { POD_CONTROL_SOCKET } from '../../src/node/pod/pod-main.js';
import { run } from '../node/lab-routing.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** figure2 with SGs spreading /B over all its instances (so B/4 gets A/1's calls at all). */
export function schedulingTopology(): string {
  return readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8')
    .replace(/^timers:/m, 'scheduling:\n  spread: pool\n  policyLifetimeMs: 6000\ntimers:');
}

export interface Call { t: number; code: number; instance: string }

/** Calls http://B/echo from pod1 for `ms`, sequentially; resolves when the loop ends. */
export async function callStream(lab: Lab, ms: number): Promise<Call[]> {
  const script = `end=$(( $(date +%s%N) + ${ms}000000 )); while [ $(date +%s%N) -lt $end ]; do ` +
    `out=$(curl -s --max-time 10 -w ' %{http_code}' http://B/echo); ` +
    `inst=$(printf '%s' "$out" | grep -o '"instance":"[^"]*"' | head -1 | cut -d'"' -f4); ` +
    `echo "$(date +%s%N) \${out##* } \${inst:--}"; done`;
  const r = await run(lab, 'pod1', ['bash', '-c', script]);
  return r.out.trim().split('\n').filter((l) => /^\d+ \d+ /.test(l)).map((l) => {
    const [t, code, instance] = l.split(' ');
    return { t: Number(BigInt(t!) / 1_000_000n), code: Number(code), instance: instance! };
  });
}

export async function pod(lab: Lab, node: string, req: { cmd: string; [k: string]: unknown }): Promise<unknown> {
  const c = await lab.container(node);
  return controlRequest(`/proc/${c.pid}/root${POD_CONTROL_SOCKET}`, req);
}

export async function ctl(lab: Lab, node: string, cmd: string): Promise<unknown> {
  const c = await lab.container(node);
  return controlRequest(`/proc/${c.pid}/root${CONTROL_SOCKET}`, { cmd });
}

/**
 * Seconds from `at` to the first call from which on every run of 20 consecutive calls has at
 * most 2 (10%) served by `away`; undefined if that never happens. Also the calls failed after `at`.
 */
export function shiftAfter(calls: readonly Call[], at: number, away: string, run = 20): { shiftS: number | undefined; failed: number } {
  const after = calls.filter((c) => c.t >= at);
  const failed = after.filter((c) => c.code !== 200).length;
  if (after.length < run) return { shiftS: undefined, failed };
  let first: number | undefined;
  for (let j = after.length - run; j >= 0; j--) {
    const n = after.slice(j, j + run).filter((c) => c.instance === away).length;
    if (n > run / 10) break;
    first = j;
  }
  return { shiftS: first === undefined ? undefined : (after[first]!.t - at) / 1000, failed };
}

/** Until the lab carries pod1's calls to /B/4 and sg1 holds a policy from the SCSC (or `ms`). */
export async function waitReady(lab: Lab, ms: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const r = await run(lab, 'pod1', ['curl', '-sS', '-i', '--max-time', '10', 'http://4.B/healthz']);
    const p = /^HTTP\/1.1 200/.test(r.out) ? (await ctl(lab, 'sg1', 'policies')) as { policies: unknown[] } : { policies: [] };
    if (p.policies.length > 0) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`not ready ${ms} ms after deploy (pod1 -> 4.B: ${r.out.split('\n')[0]}; sg1 policies: ${p.policies.length})`);
    await sleep(500);
  }
}

export interface Figures {
  delay_shift_s: number | null; delay_failed: number; error_drain_s: number | null; error_failed: number; scsc_kill_failed: number;
  /** The SR link case: until sr1 forwards /B/4 by policy, until it stops after the reset, calls failed. */
  link_steer_s: number | null; link_clear_s: number | null; link_failed: number;
}

/** B/4 200 ms slower at 1.5 s into an 8 s stream, then back to normal for a 6 s stream. */
export async function delayCase(lab: Lab): Promise<{ shiftS: number | undefined; failed: number; calls: Call[]; b4ShareAfterRecovery: number }> {
  const stream = callStream(lab, 8000);
  await sleep(1500);
  const at = Date.now();
  await pod(lab, 'pod4', { cmd: 'service-set', instance: 'B/4', delayMs: 200 });
  const calls = await stream;
  await pod(lab, 'pod4', { cmd: 'service-set', instance: 'B/4', delayMs: 0 });
  const again = await callStream(lab, 6000);
  const tail = again.slice(Math.floor(again.length / 2));
  const shift = shiftAfter(calls, at, 'B/4');
  return { ...shift, failed: shift.failed + again.filter((c) => c.code !== 200).length, calls, b4ShareAfterRecovery: tail.filter((c) => c.instance === 'B/4').length / Math.max(1, tail.length) };
}

/** B/4 answers 500 at 1.5 s into a 5 s stream; drain = until sg1 shows it ejected. */
export async function errorCase(lab: Lab): Promise<{ drainS: number | undefined; failed: number; calls: Call[] }> {
  const stream = callStream(lab, 5000);
  await sleep(1500);
  const at = Date.now();
  await pod(lab, 'pod4', { cmd: 'service-set', instance: 'B/4', errorRate: 1 });
  let drainS: number | undefined;
  while (Date.now() - at < 3000) {
    const p = (await ctl(lab, 'sg1', 'policies')) as { ejected: { instance: string }[] };
    if (p.ejected.some((e) => e.instance === '/B/4')) {
      drainS = (Date.now() - at) / 1000;
      break;
    }
    await sleep(20);
  }
  const calls = await stream;
  await pod(lab, 'pod4', { cmd: 'service-set', instance: 'B/4', errorRate: 0 });
  return { drainS, failed: calls.filter((c) => c.t >= at && c.code !== 200).length, calls };
}

/** SIGKILL of the SCSC at 1 s into a 10 s stream (longer than its policies live: 6 s). */
export async function scscKillCase(lab: Lab): Promise<{ failed: number; calls: Call[] }> {
  const stream = callStream(lab, 10_000);
  await sleep(1000);
  const { pid } = await lab.container('scsc');
  process.kill(pid, 'SIGKILL');
  const calls = await stream;
  return { failed: calls.filter((c) => c.code !== 200).length, calls };
}

interface PoliciesJson { steered: { prefix: string; nexthops: { iface: string; neighbor: string }[] }[] }

/** sr1's frames out of eth3 (to sr2) and eth4 (to sr3) during `ms` of calls from pod1 to B/4 by its name. */
async function sr1Split(lab: Lab, ms: number): Promise<{ calls: number; failed: number; viaSr2: number; viaSr3: number }> {
  const tx = async () => {
    const c = (await ctl(lab, 'sr1', 'counters')) as { faces: Record<string, { txFrames: number }> };
    return { eth3: c.faces.eth3!.txFrames, eth4: c.faces.eth4!.txFrames };
  };
  const a = await tx();
  const script = `end=$(( $(date +%s%N) + ${ms}000000 )); n=0; f=0; while [ $(date +%s%N) -lt $end ]; do ` +
    `c=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' http://4.B/echo); n=$((n+1)); [ "$c" = 200 ] || f=$((f+1)); done; echo "$n $f"`;
  const out = (await run(lab, 'pod1', ['bash', '-c', script])).out.trim().split(/\s+/).map(Number);
  const b = await tx();
  return { calls: out[0]!, failed: out[1]!, viaSr2: b.eth3 - a.eth3, viaSr3: b.eth4 - a.eth4 };
}

/** Until sr1 steers /B/4 (`want` true) or stops steering it; ms waited, or undefined after `ms`. */
async function waitSteered(lab: Lab, want: boolean, ms: number): Promise<{ waitedMs: number | undefined; steered: PoliciesJson['steered'] }> {
  const t0 = Date.now();
  for (;;) {
    const p = (await ctl(lab, 'sr1', 'policies')) as PoliciesJson;
    const has = p.steered.some((s) => s.prefix === '/B/4' && s.nexthops.every((h) => h.neighbor === 'sr3'));
    if (has === want) return { waitedMs: Date.now() - t0, steered: p.steered };
    if (Date.now() - t0 > ms) return { waitedMs: undefined, steered: p.steered };
    await sleep(250);
  }
}

/**
 * The SR link on B/4's shortest path from A/1 slowed (70 ms leaving sr2 towards sg4; figure2's
 * sg1 reaches sg4 over sr1 then sr2 or sr3 at equal cost): sr2 and sg4 report the link, the
 * SCSC's QoS Dijkstra gives sr1 a next-hop entry for /B/4 via sr3, and sr1's frames show calls
 * to B/4 leaving via sr3 only. Then the delay is removed and the entry goes.
 */
export async function linkCase(lab: Lab, cli: (args: string[]) => Promise<{ stdout: string }>): Promise<{
  steerS: number | undefined; before: Awaited<ReturnType<typeof sr1Split>>; during: Awaited<ReturnType<typeof sr1Split>>;
  policiesText: string; scscLinks: { from: string; to: string; reasons: string[] }[]; clearS: number | undefined;
}> {
  const before = await sr1Split(lab, 3000);
  const stream = callStream(lab, 4000); // keeps the SGs probing and reporting /B's instances
  const at = Date.now();
  await cli(['netem', 'set', 'sr2:eth2', '--delay', '70ms']);
  try {
    const steer = await waitSteered(lab, true, 15_000);
    const steerS = steer.waitedMs === undefined ? undefined : (Date.now() - at) / 1000;
    await stream;
    const during = await sr1Split(lab, 3000);
    const policiesText = (await cli(['policies', 'sr1'])).stdout;
    const scscLinks = (JSON.parse((await cli(['scsc', '--json'])).stdout) as { links: { from: string; to: string; reasons: string[] }[] }).links;
    await cli(['netem', 'reset', 'sr2:eth2']);
    const clear = await waitSteered(lab, false, 15_000);
    return { steerS, before, during, policiesText, scscLinks, clearS: clear.waitedMs === undefined ? undefined : clear.waitedMs / 1000 };
  } catch (e) {
    await cli(['netem', 'reset', 'sr2:eth2']).catch(() => undefined);
    throw e;
  }
}
