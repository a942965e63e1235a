/**
 * A fresh machine: every external command the sources run, and every executable the node image
 * copies from this machine, must be a key of scripts/setup's `need` map (command -> Debian
 * package), or a test passes here and fails there (nft once did exactly that).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';

/** Commands setup installs (or checks) by name. */
function setupNeeds(): Set<string> {
  const text = readFileSync(join(PROJECT_DIR, 'scripts/setup'), 'utf8');
  const map = /declare -A need=\(([\s\S]*?)\n\)/.exec(text)?.[1];
  assert.ok(map, 'scripts/setup has a `declare -A need=(...)` map');
  return new Set([...map.matchAll(/\[([^\]]+)\]=\S+/g)].map((m) => m[1]!));
}

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

// node, npx and npm come with Node.js (setup's own step), process.execPath is not a name.
const BUILT_IN = new Set(['node', 'npx', 'npm']);

/**
 * Names run by the TypeScript sources: the first argument of execFile/spawn and friends, the
 * command after `nsenter ... -n`, `ip netns exec`, and the commands written into `sh -c`
 * strings of the benchmarks (nft, ip, date).
 */
function commandsInSources(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (cmd: string, where: string) => { if (!BUILT_IN.has(cmd) && !found.has(cmd)) found.set(cmd, where); };
  const roots = ['src', 'test', 'scripts'].map((d) => join(PROJECT_DIR, d));
  for (const f of roots.flatMap((r) => files(r)).filter((p) => p.endsWith('.ts'))) {
    const text = readFileSync(f, 'utf8');
    const where = f.slice(PROJECT_DIR.length + 1);
    // A command and its argument array: `spawn('tar', [...])`, not a method like `lab.exec('sg1', ...)`.
    for (const m of text.matchAll(/(?<![.\w])(?:execFile|execFileSync|execFileP|spawn|spawnSync|exec|run)\(\s*'([\w+.-]+)',\s*\[/g)) add(m[1]!, where);
    for (const m of text.matchAll(/'-n',\s*'(\w[\w+.-]*)'/g)) add(m[1]!, where); // nsenter ... -n CMD (not an option such as tcpdump's -n -s)
    for (const m of text.matchAll(/\[(?:'taskset'|'ip', 'netns', 'exec')/g)) add(m[0].includes('taskset') ? 'taskset' : 'ip', where);
    for (const m of text.matchAll(/`[^`]*`/g)) {
      for (const c of m[0].matchAll(/(?:^`|;\s*|-n\s+sh\s+-c\s+"?)(nft|ip|date|nsenter|sh)\s/g)) add(c[1]!, where);
    }
  }
  return found;
}

/** Commands in the shell scripts: each line's first word and what follows `exec`, pipes and `;`. */
function commandsInShellScripts(): Map<string, string> {
  const found = new Map<string, string>();
  const scripts = [...files(join(PROJECT_DIR, 'scripts')).filter((p) => !/\.(ts|lua)$/.test(p) && !p.includes('wireshark')), join(PROJECT_DIR, 'lab'), join(PROJECT_DIR, '.ci/run')];
  const known = ['docker', 'dockerd', 'nsenter', 'ip', 'nft', 'tcpdump', 'tshark', 'tee', 'sed', 'grep', 'mktemp', 'readlink', 'dirname', 'seq', 'sleep', 'kill', 'date', 'tail', 'tr', 'sort', 'printf', 'find', 'head', 'cat', 'id', 'apt-get', 'debconf-set-selections', 'node-gyp', 'tsc', 'mocha'];
  for (const f of scripts) {
    const text = readFileSync(f, 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
    for (const k of known) if (new RegExp(`(^|[\\s;|(\`$])${k.replace(/[-+]/g, '\\$&')}\\s`, 'm').test(text)) found.set(k, basename(f));
  }
  return found;
}

describe('fresh machine: scripts/setup installs what the project runs', () => {
  // Package managers and tools npm brings (node_modules/.bin) are there by the time they run.
  const PRESENT = new Set(['apt-get', 'debconf-set-selections', 'node-gyp', 'tsc', 'mocha']);
  // Coreutils programs the shell scripts use; setup lists coreutils through the others.
  const COREUTILS = new Set(['readlink', 'dirname', 'seq', 'sleep', 'tail', 'tr', 'sort', 'printf', 'head', 'id']);

  it('maps every command the TypeScript sources run to a package', () => {
    const needs = setupNeeds();
    const missing = [...commandsInSources()].filter(([c]) => !needs.has(c)).map(([c, w]) => `${c} (${w})`);
    assert.deepEqual(missing, [], 'add these to the need map in scripts/setup');
    // The scan itself must see the commands it is there for, or it proves nothing.
    const seen = new Set(commandsInSources().keys());
    for (const c of ['nft', 'nsenter', 'ip', 'docker', 'tshark', 'tar', 'ldd', 'git', 'taskset']) assert.ok(seen.has(c), `the scan finds ${c}`);
  });

  it('maps every command the shell scripts run to a package', () => {
    const needs = setupNeeds();
    const missing = [...commandsInShellScripts()].filter(([c]) => !needs.has(c) && !PRESENT.has(c) && !COREUTILS.has(c)).map(([c, w]) => `${c} (${w})`);
    assert.deepEqual(missing, [], 'add these to the need map in scripts/setup');
    assert.ok(needs.has('cat') && needs.has('date'), 'coreutils is in the map');
  });

  it('maps every executable the node image copies from this machine to a package', () => {
    const needs = setupNeeds();
    const lines = readFileSync(join(PROJECT_DIR, 'images/host-rootfs.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    const exes = lines.filter((l) => /\/s?bin\//.test(l)).map((l) => basename(l));
    // Coreutils all come in one package with cat and date; [ and test too.
    const coreutils = new Set(['ls', 'echo', 'sleep', 'mkdir', 'rm', 'mv', 'ln', 'env', 'true', 'false', 'head', 'tail', 'wc', 'sort',
      'tr', 'cut', 'id', 'uname', 'printf', 'stat', 'readlink', 'touch', 'chmod', 'test', '[', 'seq', 'dirname', 'basename', 'nproc']);
    const missing = exes.filter((e) => !BUILT_IN.has(e) && !needs.has(e) && !coreutils.has(e));
    assert.deepEqual(missing, [], 'add these to the need map in scripts/setup');
    assert.ok(exes.includes('ps') && exes.includes('tcpdump'), 'the list was read');
  });
});
