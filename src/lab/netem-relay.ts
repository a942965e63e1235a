/**
 * The impairment relay for one interface, run by `lab netem set` inside the node's network
 * namespace (nsenter -n, so files are the host's): this machine's kernel has no sch_netem
 * (`tc qdisc add … netem` answers "Specified qdisc kind is unknown"), so netem is done here.
 *
 *   ethX egress --nft fwd--> dnNa ==veth==> dnNb --tcpdump--> relay (loss, delay, …)
 *   relay --AF_PACKET--> dnNb ==veth==> dnNa ingress --nft: mark, fwd--> ethX egress --> peer
 *
 * The mark lets re-sent frames leave instead of looping. The link itself is untouched (no
 * carrier flap when impairments come and go); removing the nft table puts it back as it was.
 * The relay answers get/set/stop on a unix socket and exits when its container is gone.
 *
 *   node netem-relay.js <iface> <container init pid> <socket path> '<settings json>'
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { native } from '../face/native-binding.js';
import type { NetemSettings } from '../topology/index.js';
import { DepartureQueue, Impairment } from './impair.js';
import { netemNames, nftRules } from './netem-rules.js';
import { PcapReader } from './pcap-stream.js';

const [iface = '', pidArg = '', sockPath = '', settingsArg = '{}'] = process.argv.slice(2);
const initPid = Number(pidArg);
const addon = native();
const info = addon.interfaceInfo(iface);
const names = netemNames(iface, info.ifindex);
const counts = { frames: 0, sent: 0, dropped: 0 };
const imp = new Impairment(JSON.parse(settingsArg) as NetemSettings);
const started = Date.now();

function sh(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
}

function teardown(): void {
  spawnSync('nft', ['delete', 'table', 'netdev', names.table]);
  spawnSync('ip', ['link', 'del', names.a]);
  rmSync(sockPath, { force: true });
}

// Leftovers of a relay that was killed (its diversion would blackhole the interface).
spawnSync('nft', ['delete', 'table', 'netdev', names.table]);
spawnSync('ip', ['link', 'del', names.a]);
sh('ip', ['-batch', '-'], `link add ${names.a} type veth peer name ${names.b}\nlink set ${names.a} up\nlink set ${names.b} up\n`);
const bInfo = addon.interfaceInfo(names.b);
const tx = new addon.PacketSocket(bInfo.ifindex, 65536 + 18, 1 << 20, 4 << 20, () => {}, () => {}, 0, 1);
const dump = spawn('tcpdump', ['-i', names.b, '-Q', 'in', '--immediate-mode', '-U', '-n', '-s', '65535', '-w', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
const queue = new DepartureQueue();
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  timer = undefined;
  const due = queue.due(performance.now());
  if (due.length) {
    const total = due.reduce((n, d) => n + d.frame.length, 0);
    const buf = new Uint8Array(total);
    const lens = new Uint32Array(due.length);
    let o = 0;
    due.forEach((d, k) => { buf.set(d.frame, o); o += d.frame.length; lens[k] = d.frame.length; });
    counts.sent += tx.sendBatch(buf, lens, due.length);
  }
  arm();
}

function arm(): void {
  const next = queue.next;
  if (next === undefined || timer) return;
  timer = setTimeout(flush, Math.max(0, next - performance.now()));
}

const reader = new PcapReader();
dump.stdout.on('data', (chunk: Buffer) => {
  for (const f of reader.push(chunk)) {
    counts.frames++;
    const out = imp.admit(f.data, performance.now());
    if (out.length === 0) counts.dropped++;
    for (const d of out) queue.push(d);
  }
  if (timer && queue.next !== undefined) { clearTimeout(timer); timer = undefined; }
  arm();
});
dump.on('exit', () => { teardown(); process.exit(1); });

const server = createServer((c) => {
  let buf = '';
  c.setEncoding('utf8');
  c.on('data', (d: string) => {
    buf += d;
    const i = buf.indexOf('\n');
    if (i < 0) return;
    const req = JSON.parse(buf.slice(0, i)) as { cmd: string; settings?: NetemSettings };
    if (req.cmd === 'set' && req.settings) imp.settings = req.settings;
    c.end(JSON.stringify({ ok: true, data: { iface, pid: process.pid, settings: imp.settings, started, ...counts } }) + '\n');
    if (req.cmd === 'stop') stop(0);
  });
  c.on('error', () => {});
});

function stop(code: number): void {
  teardown();
  dump.kill();
  server.close();
  setTimeout(() => process.exit(code), 50);
}

rmSync(sockPath, { force: true });
// tcpdump must be reading before frames are diverted to it.
setTimeout(() => {
  try {
    sh('nft', ['-f', '-'], nftRules(iface, names));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    stop(1);
    return;
  }
  server.listen(sockPath);
}, 300);
setInterval(() => { if (!existsSync(`/proc/${initPid}`)) stop(0); }, 500);
process.on('SIGTERM', () => stop(0));
