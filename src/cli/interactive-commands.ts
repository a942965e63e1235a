/**
 * The interactive lab's verbs: link, netem, capture, watch, graph, pingall and shell. The
 * shell runs these same commander commands for each line it reads.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  capture, EventMerger, formatTimed, Lab, labLinks, linkName, netemReset, netemSet, netemShow, PROJECT_DIR, setLinks, timedJson, watchLab,
  endName, type LabContext,
} from '../lab/index.js';
import { checkNetem, formatNetem, NETEM_FIELDS, parseNetem, type NetemInput } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import { graphModel, serveGraph, toDot, toMermaid } from '../web/index.js';
import { ctxOf, labForNode, labOf } from './common.js';
import { table } from './format.js';
import { formatMatrix, pingall } from './pingall.js';
import { formatSettle, settle } from './settle.js';
import { runShell } from './shell.js';

interface LabOpts { lab?: string; topology?: string; name?: string }

/** The lab named by a file or --lab, else the one lab running on this machine. */
export async function labOrOnly(ctx: LabContext, file: string | undefined, o: LabOpts): Promise<Lab> {
  if (file || o.lab || o.topology) return labOf(ctx, file ?? o.topology, o);
  const names = await Lab.names(ctx);
  if (names.length === 1) return new Lab(names[0]!, ctx);
  throw new LabError('LAB_REQUIRED', names.length ? `${names.length} labs are running (${names.join(', ')}); which one?` : 'no lab is running',
    names.length ? 'give a topology file or --lab <name>' : 'deploy one: ./lab deploy <topology>');
}

/** Stops at Ctrl-C (the shell's own SIGINT handling stays in place) or after `seconds`. */
function untilStopped(seconds?: number): AbortSignal {
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  ac.signal.addEventListener('abort', () => process.removeListener('SIGINT', onInt));
  if (seconds) setTimeout(() => ac.abort(), seconds * 1000).unref();
  return ac.signal;
}

const withLab = (c: Command) => c.option('--lab <name>', 'lab that holds the node').option('-t, --topology <file>', 'topology file of the lab');
const out = (s: string): void => void process.stdout.write(s.endsWith('\n') ? s : s + '\n');

export function addInteractiveCommands(program: Command, buildProgram: () => Command): void {
  const link = program.command('link').description('pull a cable: take both ends of a veth down or up, or list links');
  for (const action of ['down', 'up'] as const) {
    withLab(link.command(action)
      .description(`take both ends ${action}: <node>:<if> (that veth) or <a> <b> (every link between a and b)`)
      .argument('<end-or-node>', 'sg1:eth3, or a node name').argument('[node]', 'the other node'))
      .action(async (x: string, y: string | undefined, o: LabOpts, cmd: Command) => {
        const lab = await labForNode(ctxOf(cmd), x.split(':')[0]!, o);
        const r = await setLinks(lab, y ? [x, y] : [x], action);
        for (const l of r.links) out(`${linkName(l)}: ${action}`);
      });
  }
  withLab(link.command('show').description('each link with the state of both ends').argument('[node]', 'only this node\'s links'))
    .option('--json', 'print JSON')
    .action(async (node: string | undefined, o: LabOpts & { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const lab = node && !o.lab && !o.topology ? await labForNode(ctx, node, o) : await labOrOnly(ctx, undefined, o);
      const { links } = await labLinks(lab);
      const mine = links.filter((l) => !node || l.a.node === node || l.b.node === node);
      if (o.json) return out(JSON.stringify(mine, null, 2));
      out(table(['LINK', 'STATE', 'ENDS'], mine.map((l) => [linkName(l), l.aState === 'up' && l.bState === 'up' ? 'up' : 'DOWN', `${l.aState}/${l.bState}`])));
    });

  const netem = program.command('netem').description('impair frames leaving an interface (delay, jitter, loss, rate, corrupt, duplicate, reorder)');
  const set = withLab(netem.command('set').description('add impairments to <node>:<if> (egress; --both: the peer\'s end too); says what it replaced')
    .argument('<end>', 'e.g. sg1:eth3'))
    .option('--both', 'also impair the other direction (the peer end\'s egress)');
  for (const f of NETEM_FIELDS) set.option(`--${f} <value>`, { delay: 'e.g. 20ms', jitter: '± around the delay, e.g. 5ms', loss: 'e.g. 5%', rate: 'e.g. 10mbit', corrupt: 'e.g. 1%', duplicate: 'e.g. 1%', reorder: 'share sent without the delay, e.g. 5%' }[f]);
  set.action(async (end: string, o: LabOpts & NetemInput & { both?: boolean }, cmd: Command) => {
    const input: NetemInput = Object.fromEntries(NETEM_FIELDS.filter((f) => o[f] !== undefined).map((f) => [f, o[f]]));
    if (!Object.keys(input).length) throw new LabError('NETEM_ARGS', 'netem set with nothing to set', `give one or more of ${NETEM_FIELDS.map((f) => `--${f}`).join(', ')}`);
    const change = parseNetem(input, end);
    const lab = await labForNode(ctxOf(cmd), end.split(':')[0]!, o);
    for (const c of await netemSet(lab, end, change, { both: !!o.both })) {
      out(`${endName(c.end)} (toward ${endName(c.peer)}): ${formatNetem(checkNetem(c.settings, end))}` + (c.replaced.length ? `; replaced ${c.replaced.join(', ')}` : ''));
    }
  });
  withLab(netem.command('show').description('impairments on every link end (of one node)').argument('[node]', 'only this node'))
    .option('--json', 'print JSON')
    .action(async (node: string | undefined, o: LabOpts & { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const lab = node && !o.lab && !o.topology ? await labForNode(ctx, node, o) : await labOrOnly(ctx, undefined, o);
      const ends = await netemShow(lab, node);
      if (o.json) return out(JSON.stringify(ends, null, 2));
      out(table(['END', 'DIRECTION', 'IMPAIRMENT', 'FRAMES', 'DROPPED'], ends.map((e) => [
        endName(e.end), `${e.end.node} -> ${e.peer.node}`, e.orphaned ? 'BROKEN: diverted, relay gone (netem reset fixes it)' : formatNetem(e.state?.settings),
        e.state ? String(e.state.frames) : '', e.state ? String(e.state.dropped) : ''])));
    });
  withLab(netem.command('reset').description('remove every impairment from <node>:<if>').argument('<end>', 'e.g. sg1:eth3'))
    .option('--both', 'the peer end too')
    .action(async (end: string, o: LabOpts & { both?: boolean }, cmd: Command) => {
      const lab = await labForNode(ctxOf(cmd), end.split(':')[0]!, o);
      for (const c of await netemReset(lab, end, { both: !!o.both })) out(`${endName(c.end)}: ${c.previous ? `removed ${formatNetem(c.previous)}` : c.repaired ? 'its relay was gone: removed the diversion it left' : 'had no impairment'}`);
    });

  withLab(program.command('capture').description('capture on <node>:<if> from the host, in the node\'s namespace (any image)')
    .argument('<end>', 'e.g. sg1:eth3').argument('[filter...]', 'tcpdump filter, e.g. ether proto 0x88b5'))
    .option('-w, --write <file>', 'write pcap to a file, or - for stdout (| wireshark -k -i -)')
    .option('-c, --count <n>', 'stop after n frames', (v) => Number(v))
    .option('--decode', 'one line per frame, DAMC decoded by the project\'s codec')
    .option('--duration <s>', 'stop after s seconds', (v) => Number(v))
    .action(async (end: string, filter: string[], o: LabOpts & { write?: string; count?: number; decode?: boolean; duration?: number }, cmd: Command) => {
      const lab = await labForNode(ctxOf(cmd), end.split(':')[0]!, o);
      const code = await capture(lab, end, {
        ...(o.write !== undefined ? { write: o.write } : {}), ...(o.count ? { count: o.count } : {}), decode: !!o.decode, filter,
        stdout: process.stdout, stderr: process.stderr, signal: untilStopped(o.duration),
      });
      if (code !== 0) process.exitCode = code;
    });

  program.command('watch').description('stream routing events merged across routers, timed from the first of each burst')
    .argument('[topology]', 'YAML topology file (default: the one running lab)')
    .option('--lab <name>', 'lab name').option('--json', 'one JSON event per line')
    .option('--duration <s>', 'stop after s seconds', (v) => Number(v))
    .option('--gap <ms>', 'quiet time that ends a burst (then a summary line)', (v) => Number(v), 1500)
    .action(async (file: string | undefined, o: LabOpts & { json?: boolean; duration?: number; gap: number }, cmd: Command) => {
      const lab = await labOrOnly(ctxOf(cmd), file, o);
      const merger = new EventMerger({ holdMs: 150, gapMs: o.gap });
      const w = watchLab(lab, (e) => merger.push(e));
      await w.ready;
      if (!o.json) process.stderr.write(`watching lab ${lab.name} (Ctrl-C stops)\n`);
      const signal = untilStopped(o.duration);
      const flush = (now: number) => { for (const x of merger.tick(now)) out(o.json ? timedJson(x) : formatTimed(x)); };
      const tick = setInterval(() => flush(Date.now()), 50);
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      clearInterval(tick);
      w.close();
      flush(Date.now() + 60_000);
    });

  program.command('graph').description('serve a live picture of the lab on localhost, or print it (--format dot|mermaid)')
    .argument('[topology]', 'YAML topology file (default: the one running lab)')
    .option('--lab <name>', 'lab name').option('--port <p>', 'port (0: any free one)', (v) => Number(v), 8088)
    .addOption(new Option('--format <fmt>', 'static output instead of the page').choices(['dot', 'mermaid']))
    .action(async (file: string | undefined, o: LabOpts & { port: number; format?: string }, cmd: Command) => {
      const lab = await labOrOnly(ctxOf(cmd), file, o);
      if (o.format) {
        const { model } = await graphModel(lab);
        return out(o.format === 'dot' ? toDot(model) : toMermaid(model));
      }
      const g = await serveGraph(lab, PROJECT_DIR, o.port);
      out(`graph of lab ${lab.name} on http://127.0.0.1:${g.port}/ (Ctrl-C stops)`);
      const signal = untilStopped();
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      await g.close();
    });

  program.command('pingall').description('every router pings every other router\'s name; prints the matrix')
    .argument('[topology]', 'YAML topology file (default: the one running lab)')
    .option('--lab <name>', 'lab name').option('--timeout <ms>', 'per ping', (v) => Number(v), 1000).option('--json', 'print JSON')
    .action(async (file: string | undefined, o: LabOpts & { timeout: number; json?: boolean }, cmd: Command) => {
      const lab = await labOrOnly(ctxOf(cmd), file, o);
      const r = await pingall(lab, o.timeout);
      out(o.json ? JSON.stringify(r, null, 2) : formatMatrix(r));
      if (r.length === 0 || r.some((x) => !x.ok)) process.exitCode = 1;
    });

  program.command('settle').description('wait until no router\'s FIB has changed for a quiet period (after link down, netem, restart)')
    .argument('[topology]', 'YAML topology file (default: the one running lab)')
    .option('--lab <name>', 'lab name')
    .option('--quiet <ms>', 'FIBs unchanged this long', (v) => Number(v), 1000)
    .option('--timeout <ms>', 'give up (exit 1) after', (v) => Number(v), 30_000)
    .option('--json', 'print JSON')
    .action(async (file: string | undefined, o: LabOpts & { quiet: number; timeout: number; json?: boolean }, cmd: Command) => {
      if (!(o.quiet > 0) || !(o.timeout > 0)) throw new LabError('BAD_ARGUMENT', `--quiet ${o.quiet} / --timeout ${o.timeout} must be positive numbers of ms`, 'e.g. settle --quiet 1000 --timeout 30000');
      const r = await settle(await labOrOnly(ctxOf(cmd), file, o), o.quiet, o.timeout);
      out(o.json ? JSON.stringify(r) : formatSettle(r, o.quiet));
      if (!r.settled) process.exitCode = 1;
    });

  program.command('shell').description('an interactive lab shell (history, tab completion); reads a script from stdin when it is not a terminal')
    .argument('[topology]', 'YAML topology file (default: the one running lab)')
    .option('--lab <name>', 'lab name')
    .action(async (file: string | undefined, o: LabOpts, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const lab = await labOrOnly(ctx, file, o).catch(() => undefined);
      process.exitCode = await runShell({ buildProgram, lab, globalArgs: globalArgs(cmd) });
    });
}

/** The global options this process was started with, passed on to every shell line. */
function globalArgs(cmd: Command): string[] {
  const g = cmd.optsWithGlobals<{ socket?: string; debug?: boolean; quiet?: boolean }>();
  return [...(g.socket ? ['--socket', g.socket] : []), ...(g.debug ? ['--debug'] : []), ...(g.quiet ? ['-q'] : [])];
}
