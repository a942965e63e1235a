/**
 * `lab shell`: each line runs through the very commander program `lab` uses (a fresh one per
 * line, so options never leak between lines), after shell-parse.ts maps Mininet's habits.
 * On a terminal: history in ~/.damc_lab_history and tab completion; otherwise it reads a
 * script from stdin, echoes each line, and exits 1 if any line failed.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CommanderError, type Command } from 'commander';
import { isLabError } from '../util/errors.js';
import { labLinks, endName, type Lab } from '../lab/index.js';
import { complete, normalize, tokenize, type Completions, type Verbs } from './shell-parse.js';

export interface ShellOptions { buildProgram: () => Command; lab: Lab | undefined; globalArgs: string[] }

const HISTORY = process.env.DAMC_LAB_HISTORY ?? join(homedir(), '.damc_lab_history');

export function verbsOf(program: Command): Verbs {
  const lab = (c: Command) => c.options.some((o) => o.long === '--lab');
  return Object.fromEntries(program.commands.map((c) => [c.name(), { lab: lab(c), subs: Object.fromEntries(c.commands.map((s) => [s.name(), { lab: lab(s) }])) }]));
}

function everyCommand(c: Command, f: (c: Command) => void): void {
  f(c);
  for (const s of c.commands) everyCommand(s, f);
}

/** Runs one line; true when it worked. */
export async function runLine(o: ShellOptions, line: string, know: Completions): Promise<boolean> {
  let words: string[];
  try {
    words = normalize(tokenize(line), know.verbs, new Set(know.nodes), o.lab?.name);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return false;
  }
  if (!words.length) return true;
  const program = o.buildProgram();
  everyCommand(program, (c) => c.exitOverride());
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'lab', ...o.globalArgs, ...words]);
  } catch (e) {
    process.exitCode = 0;
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version';
    process.stderr.write(isLabError(e) ? e.describe() + '\n' : `internal error: ${(e as Error).stack ?? String(e)}\n`);
    return false;
  }
  const ok = !process.exitCode;
  process.exitCode = 0;
  return ok;
}

async function knowledge(o: ShellOptions): Promise<Completions> {
  const verbs = verbsOf(o.buildProgram());
  if (!o.lab) return { verbs, nodes: [], ends: [] };
  try {
    const { nodes, links } = await labLinks(o.lab);
    return { verbs, nodes: nodes.map((n) => n.name), ends: links.flatMap((l) => [endName(l.a), endName(l.b)]).sort() };
  } catch {
    return { verbs, nodes: [], ends: [] };
  }
}

export async function runShell(o: ShellOptions): Promise<number> {
  const know = await knowledge(o);
  // Ctrl-C stops the running command (its own listener), never the shell.
  process.on('SIGINT', () => {});
  if (!process.stdin.isTTY) {
    let failed = 0;
    const rl = createInterface({ input: process.stdin, terminal: false });
    const lines: string[] = [];
    for await (const l of rl) lines.push(l);
    for (const l of lines) {
      if (!l.trim() || l.trim().startsWith('#')) continue;
      if (/^\s*(exit|quit)\s*$/.test(l)) break;
      process.stdout.write(`lab> ${l}\n`);
      if (!(await runLine(o, l, know))) failed++;
    }
    if (failed) process.stderr.write(`${failed} command(s) failed\n`);
    return failed ? 1 : 0;
  }
  const history = existsSync(HISTORY) ? readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000) : [];
  const rl = createInterface({
    input: process.stdin, output: process.stdout, prompt: `lab${o.lab ? ` ${o.lab.name}` : ''}> `, history, historySize: 1000,
    completer: (line: string) => complete(line, know),
  });
  process.stdout.write(`damc-lab shell${o.lab ? ` on lab ${o.lab.name}` : ''}: every lab verb without ./lab (help lists them), Mininet's order too (link sg1 sr1 down, sg1 ip link); exit or Ctrl-D leaves\n`);
  rl.prompt();
  for await (const line of rl) {
    if (/^\s*(exit|quit)\s*$/.test(line)) break;
    if (line.trim()) appendFileSync(HISTORY, line + '\n');
    rl.pause();
    process.stdin.setRawMode(false);
    await runLine(o, line, know);
    process.stdin.setRawMode(true);
    rl.resume();
    rl.prompt();
  }
  rl.close();
  return 0;
}
