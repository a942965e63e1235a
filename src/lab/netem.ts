/**
 * `lab netem set|show|reset`: impairments on frames leaving an interface (egress, like
 * netem; `both` also sets the peer's end, so each direction is impaired). Each impaired
 * interface has a relay (netem-relay.ts) answering on <lab dir>/netem/<node>.<iface>.sock;
 * what the relay answers is the truth, nothing else is remembered.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkNetem, mergeNetem, type NetemSettings, type ResolvedTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import type { Lab } from './lab.js';
import { endName, labLinks, selectLinks, type LinkEnd } from './links.js';
import { netemNames } from './netem-rules.js';

const RELAY = fileURLToPath(new URL('./netem-relay.js', import.meta.url));

export interface RelayState { iface: string; /** the relay process */ pid: number; settings: NetemSettings; started: number; frames: number; sent: number; dropped: number }
export interface NetemEnd { end: LinkEnd; peer: LinkEnd; state?: RelayState; /** diverted to a relay that no longer answers */ orphaned?: boolean }
export interface NetemChange { end: LinkEnd; peer: LinkEnd; settings: NetemSettings; replaced: string[]; previous?: NetemSettings; /** undid the diversion of a relay that was gone */ repaired?: boolean }

export function relaySocket(labDir: string, e: LinkEnd): string {
  return join(labDir, 'netem', `${e.node}.${e.iface}.sock`);
}

/** One request to a relay; undefined when none runs there. */
function ask(path: string, req: object, timeoutMs = 3000): Promise<RelayState | undefined> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const s = connect(path);
    let buf = '';
    const t = setTimeout(() => { s.destroy(); resolve(undefined); }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (d: string) => { buf += d; });
    s.on('end', () => {
      clearTimeout(t);
      try { resolve((JSON.parse(buf) as { data: RelayState }).data); } catch { resolve(undefined); }
    });
    s.on('error', () => { clearTimeout(t); resolve(undefined); });
  });
}

async function startRelay(labDir: string, pid: number, e: LinkEnd, settings: NetemSettings): Promise<void> {
  const dir = join(labDir, 'netem');
  mkdirSync(dir, { recursive: true });
  const sock = relaySocket(labDir, e);
  const logPath = join(dir, `${e.node}.${e.iface}.log`);
  const log = openSync(logPath, 'w');
  const p = spawn('nsenter', ['-t', String(pid), '-n', process.execPath, RELAY, e.iface, String(pid), sock, JSON.stringify(settings)],
    { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  p.on('exit', () => { exited = true; });
  p.unref();
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline && !exited) {
    if (await ask(sock, { cmd: 'get' }, 500)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join(' / ');
  throw new LabError('NETEM_RELAY', `the impairment relay for ${endName(e)} did not start${why ? `: ${why}` : ''}`,
    'it needs nft (nftables) and tcpdump on this machine: run scripts/setup');
}

/** The relay's veth exists but no relay answers: frames leaving the interface go nowhere. */
function diverted(pid: number | undefined, iface: string): { table: string; a: string } | undefined {
  if (!pid) return undefined;
  try {
    const n = netemNames(iface, Number(readFileSync(`/proc/${pid}/root/sys/class/net/${iface}/ifindex`, 'utf8')));
    return existsSync(`/proc/${pid}/root/sys/class/net/${n.a}`) ? n : undefined;
  } catch {
    return undefined;
  }
}

async function endsOf(lab: Lab, at: string, both: boolean): Promise<{ ends: { end: LinkEnd; peer: LinkEnd }[]; pids: Map<string, number> }> {
  if (!at.includes(':')) throw new LabError('NETEM_ARGS', `'${at}' is not <node>:<iface>`, 'name one end of a link, e.g. sg1:eth3');
  const { links, pids } = await labLinks(lab);
  const [l] = selectLinks(links, [at]);
  const mine = endName(l!.a) === at ? l!.a : l!.b;
  const peer = mine === l!.a ? l!.b : l!.a;
  return { ends: [{ end: mine, peer }, ...(both ? [{ end: peer, peer: mine }] : [])], pids };
}

/** Adds `change` to what the end(s) have; says what it replaced. */
export async function netemSet(lab: Lab, at: string, change: NetemSettings, o: { both?: boolean } = {}): Promise<NetemChange[]> {
  const { ends, pids } = await endsOf(lab, at, !!o.both);
  const out: NetemChange[] = [];
  for (const { end, peer } of ends) {
    const sock = relaySocket(lab.dir, end);
    const now = await ask(sock, { cmd: 'get' });
    const { settings, replaced } = mergeNetem(now?.settings ?? {}, change);
    checkNetem(settings, endName(end));
    if (now) await ask(sock, { cmd: 'set', settings });
    else {
      const pid = pids.get(end.node);
      if (!pid) throw new LabError('NODE_NOT_RUNNING', `node ${end.node} of lab ${lab.name} is not running`, `./lab restart --lab ${lab.name} ${end.node}`);
      await startRelay(lab.dir, pid, end, settings);
    }
    out.push({ end, peer, settings, replaced, ...(now ? { previous: now.settings } : {}) });
  }
  return out;
}

/** Every end of the lab's links (of one node when given) with what its relay says. */
export async function netemShow(lab: Lab, node?: string): Promise<NetemEnd[]> {
  const { links, pids } = await labLinks(lab);
  const ends = links.flatMap((l) => [{ end: l.a, peer: l.b }, { end: l.b, peer: l.a }]).filter((x) => !node || x.end.node === node);
  return Promise.all(ends.map(async (x) => {
    const state = await ask(relaySocket(lab.dir, x.end), { cmd: 'get' });
    if (state) return { ...x, state };
    return diverted(pids.get(x.end.node), x.end.iface) ? { ...x, orphaned: true } : x;
  }));
}

/** Removes every impairment from the end(s); returns what each had. */
export async function netemReset(lab: Lab, at: string, o: { both?: boolean } = {}): Promise<NetemChange[]> {
  const { ends, pids } = await endsOf(lab, at, !!o.both);
  const out: NetemChange[] = [];
  for (const { end, peer } of ends) {
    const sock = relaySocket(lab.dir, end);
    const was = await ask(sock, { cmd: 'stop' });
    for (let i = 0; i < 40 && existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
    // A relay that was killed leaves its diversion behind; undo it from here.
    const left = diverted(pids.get(end.node), end.iface);
    if (left) {
      const pid = String(pids.get(end.node));
      await new Promise((r) => spawn('nsenter', ['-t', pid, '-n', 'nft', 'delete', 'table', 'netdev', left.table], { stdio: 'ignore' }).on('close', r).on('error', r));
      await lab.ctx.net.batchIn(pids.get(end.node)!, [`link del ${left.a}`]).catch(() => undefined);
    }
    out.push({ end, peer, settings: {}, replaced: [], ...(was ? { previous: was.settings } : {}), ...(left && !was ? { repaired: true } : {}) });
  }
  return out;
}

/** Deploy: the YAML's per-link netem:, once the links are up. */
export async function applyTopologyNetem(topo: ResolvedTopology, labDir: string, pids: Map<string, number>): Promise<number> {
  const todo = topo.links.flatMap((l) => [l.a, l.b]).filter((i) => i.netem);
  await Promise.all(todo.map((i) => startRelay(labDir, pids.get(i.node.name)!, { node: i.node.name, iface: i.name }, i.netem!)));
  return todo.length;
}

/** What the relay of one end says (undefined: no impairment there). */
export function netemOf(labDir: string, e: LinkEnd): Promise<RelayState | undefined> {
  return ask(relaySocket(labDir, e), { cmd: 'get' }, 1000);
}
