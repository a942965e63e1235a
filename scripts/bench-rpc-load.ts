/**
 * Open-loop HTTP load at a constant rate, for scripts/bench-rpc. Request i is due at
 * t0 + i/rate whatever happened to the ones before it, and its latency is counted from that due
 * time to the last byte of the answer: a stall delays every request due during it, and all of
 * that waiting shows in the percentiles (no coordinated omission, as wrk2 does it; Debian's
 * wrk, hey and siege and npm's autocannon run closed loops, which hide it). Connections come
 * from a keep-alive pool; a request that finds all of them busy waits in the pool, and that
 * wait counts too. A failed or timed-out request counts as infinitely slow.
 *
 * Usage: node bench-rpc-load.js '<json>'  with {host, port, path, hostHeader?, rate, secs,
 * warmupSecs, bodyBytes, sockets, timeoutMs}; prints one JSON line.
 */
import { Agent, request } from 'node:http';

interface LoadConfig {
  host: string;
  port: number;
  path: string;
  hostHeader?: string;
  rate: number;
  secs: number;
  warmupSecs: number;
  bodyBytes: number;
  sockets: number;
  timeoutMs: number;
}

const c = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const agent = new Agent({ keepAlive: true, maxSockets: c.sockets, maxFreeSockets: c.sockets });
const body = Buffer.alloc(c.bodyBytes, 0x61);
const total = Math.round(c.rate * (c.warmupSecs + c.secs));
const skip = Math.round(c.rate * c.warmupSecs);
const latency = new Float64Array(total).fill(NaN);
const failures: Record<string, number> = {};
let issued = 0;
let finished = 0;
const t0 = performance.now() + 50;

function fire(i: number): void {
  const due = t0 + (i * 1000) / c.rate;
  let settled = false;
  const settle = (ms: number, why?: string) => {
    if (settled) return;
    settled = true;
    latency[i] = ms;
    if (why) failures[why] = (failures[why] ?? 0) + 1;
    if (++finished === total) report();
  };
  const req = request({
    agent, host: c.host, port: c.port, method: 'POST', path: c.path, timeout: c.timeoutMs,
    headers: { 'content-type': 'application/octet-stream', 'content-length': body.length, ...(c.hostHeader ? { host: c.hostHeader } : {}) },
  }, (res) => {
    let n = 0;
    res.on('data', (d: Buffer) => (n += d.length));
    res.on('end', () => {
      const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 && n >= c.bodyBytes;
      settle(ok ? performance.now() - due : Infinity, ok ? undefined : `status ${res.statusCode} (${n} bytes)`);
    });
    res.on('error', (e) => settle(Infinity, e.message));
  });
  req.on('timeout', () => req.destroy(new Error(`no answer in ${c.timeoutMs} ms`)));
  req.on('error', (e) => settle(Infinity, e.message));
  req.end(body);
}

function tick(): void {
  const now = performance.now();
  while (issued < total && t0 + (issued * 1000) / c.rate <= now) fire(issued++);
  if (issued < total) setTimeout(tick, Math.max(0, t0 + (issued * 1000) / c.rate - performance.now()));
}

function report(): void {
  const m = Array.from(latency.subarray(skip)).sort((a, b) => a - b);
  const at = (q: number): number | null => {
    const v = m[Math.min(m.length - 1, Math.ceil(q * m.length) - 1)];
    return v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(3));
  };
  const failed = m.filter((v) => !Number.isFinite(v)).length;
  process.stdout.write(JSON.stringify({ rate: c.rate, count: m.length, failed, failures, p50_ms: at(0.5), p90_ms: at(0.9), p99_ms: at(0.99), max_ms: at(1) }) + '\n');
  agent.destroy();
  process.exit(0);
}

setTimeout(tick, Math.max(0, t0 - performance.now()));
