/**
 * The commands a containerlab deploy runs (node `exec`, stage exec in a node or on the host):
 * each one's output is shown line by line as it is reported, kept for the deploy report, and a
 * non-zero exit fails the deploy naming the node, where it ran, the command and its last line.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { LabError } from '../util/errors.js';
import type { LabContext } from './context.js';
import type { ExecResult } from './reports.js';

export interface CommandResult { code: number; out: string }

export class ExecLog {
  readonly results: ExecResult[] = [];

  constructor(private readonly ctx: LabContext, private readonly say: (line: string) => void) {}

  /** Runs `words` in container `id`, stdout and stderr together. */
  async run(id: string, words: string[]): Promise<CommandResult> {
    let out = '';
    const sink = new Writable({ write: (c: Buffer, _e, cb) => { out += c.toString(); cb(); } });
    const code = await this.ctx.runtime.exec(id, words, { stdout: sink, stderr: sink });
    return { code, out };
  }

  /** Records and shows a result; throws EXEC_FAILED when it failed. */
  check(node: string, where: string, cmd: string, r: CommandResult): void {
    this.results.push({ node, where, command: cmd, exitCode: r.code, output: r.out });
    this.say(`exec ${node} (${where}): ${cmd.trim()}${r.code ? `  [exit ${r.code}]` : ''}`);
    for (const line of r.out.replace(/\n$/, '').split('\n')) if (line) this.say(`  ${line}`);
    if (r.code !== 0) {
      throw new LabError('EXEC_FAILED', `node ${node}: ${where} command '${cmd.trim()}' exited with ${r.code}${r.out.trim() ? `: ${lastLine(r.out)}` : ''}`,
        'fix the command (its output is above); the lab was removed');
    }
  }
}

/** A stage command with `target: host`, on this machine. */
export function runHost(words: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    const p = spawn(words[0]!, words.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', (e) => resolve({ code: 127, out: `${words[0]}: ${e.message}` }));
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function lastLine(s: string): string {
  return s.trim().split('\n').slice(-1)[0]!.slice(0, 200);
}
