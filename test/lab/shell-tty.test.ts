/**
 * `lab shell` on a terminal: a pseudo-terminal from util-linux's `script`, typed into key by
 * key (readline takes keys that arrive in one write as a paste and completes nothing then).
 * Needs no lab: --lab names one that does not exist, so the shell knows verbs but no nodes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';

const LAB = join(PROJECT_DIR, 'lab');

function terminal(history: string) {
  const p = spawn('script', ['-qfec', `${LAB} shell --lab t-tty-none`, '/dev/null'], { env: { ...process.env, DAMC_LAB_HISTORY: history, TERM: 'xterm' } });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number>((r) => p.on('close', (c) => r(c ?? -1)));
  const plain = () => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  return {
    plain,
    closed,
    kill: () => p.kill('SIGKILL'),
    /** Writes keys, then waits until the output (escapes removed) matches. */
    async type(keys: string, until: RegExp, ms = 15_000): Promise<void> {
      p.stdin.write(keys);
      const t0 = Date.now();
      while (!until.test(plain())) {
        if (Date.now() - t0 > ms) throw new Error(`no ${until} after ${JSON.stringify(keys)}; output:\n${plain()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

describe('lab shell on a terminal', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-tty-'));
  const history = join(dir, 'history');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tab completes a verb, runs it, keeps history across sessions (up arrow recalls it), exits on exit', async () => {
    const t = terminal(history);
    try {
      await t.type('', /damc-lab shell on lab t-tty-none/);
      await t.type('pingal', /pingal$/);
      await t.type('\t', /> pingall\s*$/);
      await t.type(' --help\r', /Usage: lab pingall/);
      await t.type('exit\r', /exit/);
      assert.equal(await t.closed, 0);
    } finally {
      t.kill();
    }
    assert.match(readFileSync(history, 'utf8'), /^pingall --help$/m);
    const again = terminal(history);
    try {
      await again.type('', /damc-lab shell/);
      await again.type('\x1b[A', /pingall --help$/);
      await again.type('\r', /Usage: lab pingall/);
      await again.type('\x04', /Usage: lab pingall[\s\S]*$/);
      assert.equal(await again.closed, 0, 'Ctrl-D leaves');
    } finally {
      again.kill();
    }
  });
});
