/**
 * Pure: how the shell reads a line. Words split like a POSIX shell (quotes, backslash, # to
 * the end of the line); then Mininet's habits map onto the CLI's own verbs: `link sg1 sr1
 * down` is `link down sg1 sr1`, `sg1 ip link` is `exec sg1 -- ip link`; the shell's lab is
 * added as --lab to verbs that take one. Tab completion over verbs, nodes and interfaces.
 */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { q = c; has = true; }
    else if (c === '\\' && i + 1 < line.length) { cur += line[++i]; has = true; }
    else if (c === '#' && !has) break;
    else if (/\s/.test(c)) { if (has) out.push(cur); cur = ''; has = false; }
    else { cur += c; has = true; }
  }
  if (q) throw new Error(`unclosed ${q} quote`);
  if (has) out.push(cur);
  return out;
}

/** What the shell knows of the CLI: each verb, its subverbs, and which take --lab. */
export interface VerbInfo { lab: boolean; subs: Record<string, { lab: boolean }> }
export type Verbs = Record<string, VerbInfo>;

export function normalize(words: string[], verbs: Verbs, nodes: ReadonlySet<string>, lab?: string): string[] {
  let w = [...words];
  if (!w.length) return w;
  // Mininet: link a b down | link a:if down
  if (w[0] === 'link' && w.length >= 3 && (w.at(-1) === 'down' || w.at(-1) === 'up') && w[1] !== 'down' && w[1] !== 'up') {
    w = ['link', w.at(-1)!, ...w.slice(1, -1)];
  }
  // Mininet: <node> <cmd…> runs the command in the node
  if (!verbs[w[0]!] && nodes.has(w[0]!)) w = ['exec', w[0]!, ...w.slice(1)];
  if (w[0] === 'exec' && w.length > 2 && !w.includes('--')) {
    const at = w.findIndex((x, i) => i > 0 && !x.startsWith('-') && w[i - 1] !== '--lab' && w[i - 1] !== '-t' && w[i - 1] !== '--topology');
    if (at > 0) w.splice(at + 1, 0, '--');
  }
  const v = verbs[w[0]!];
  if (lab && v) {
    const sub = w[1] !== undefined ? v.subs[w[1]] : undefined;
    const takes = sub ? sub.lab : v.lab && Object.keys(v.subs).length === 0;
    const given = w.some((x) => x === '--lab' || x === '-t' || x === '--topology' || /\.ya?ml$/.test(x));
    if (takes && !given) w.splice(sub ? 2 : 1, 0, '--lab', lab);
  }
  return w;
}

export interface Completions { verbs: Verbs; nodes: string[]; ends: string[] }

/** node:readline's completer: [candidates, the word being completed]. */
export function complete(line: string, c: Completions): [string[], string] {
  const words = line.split(/\s+/);
  const last = words.at(-1) ?? '';
  const before = words.slice(0, -1).filter(Boolean);
  let pool: string[];
  if (before.length === 0) pool = [...Object.keys(c.verbs), ...c.nodes, 'exit'];
  else if (before.length === 1 && c.verbs[before[0]!] && Object.keys(c.verbs[before[0]!]!.subs).length) pool = Object.keys(c.verbs[before[0]!]!.subs);
  else pool = last.includes(':') ? c.ends : [...c.nodes, ...c.ends, ...(before[0] === 'link' ? ['down', 'up'] : [])];
  const hits = [...new Set(pool)].filter((p) => p.startsWith(last)).sort();
  return [hits, last];
}
