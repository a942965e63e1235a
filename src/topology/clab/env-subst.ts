/**
 * containerlab's environment substitution (the hellt/envsubst fork it uses, in its
 * "keep unset" mode): `${V}`, `$V`, `${V:=d}`, `${V:-d}`, `${V=d}`, `${V-d}`, `${V+x}`, `${V:+x}`,
 * with defaults that may hold further expressions, and `$$` as an escaped `$`. A variable that
 * is unset and has no default is left exactly as written, so `$MYVAR` in a `cmd` reaches the
 * container's shell; a set one is replaced everywhere, `cmd` included. `$1`, `$*` and the like
 * are not variables and are kept.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function substituteEnv(text: string, env: Env = process.env): string {
  return new Expander(text, env).run();
}

class Expander {
  private i = 0;
  constructor(private readonly s: string, private readonly env: Env) {}

  run(): string {
    return this.until(() => false);
  }

  /** Expands up to (not including) the first position where `stop` says so, or the end. */
  private until(stop: () => boolean): string {
    let out = '';
    while (this.i < this.s.length && !stop()) {
      const c = this.s[this.i]!;
      if (c !== '$') {
        out += c;
        this.i++;
        continue;
      }
      const next = this.s[this.i + 1];
      if (next === '$') {
        out += '$';
        this.i += 2;
      } else if (next === '{') {
        out += this.braced();
      } else {
        const m = NAME.exec(this.s.slice(this.i + 1));
        if (!m) {
          out += '$';
          this.i++;
          continue;
        }
        const name = m[0];
        const v = this.env[name];
        out += v !== undefined ? v : `$${name}`;
        this.i += 1 + name.length;
      }
    }
    return out;
  }

  /** At `${`: one braced expression. Anything that is not one is kept as written. */
  private braced(): string {
    const start = this.i;
    const m = NAME.exec(this.s.slice(this.i + 2));
    if (!m) {
      this.i += 1;
      return '$';
    }
    const name = m[0];
    this.i += 2 + name.length;
    const v = this.env[name];
    if (this.s[this.i] === '}') {
      this.i++;
      return v !== undefined ? v : this.s.slice(start, this.i);
    }
    const op = /^(:?[-=+])/.exec(this.s.slice(this.i))?.[1];
    if (!op) {
      // An operator this reader does not know (${V#p}, ${V^}, …): keep the text, as written.
      const close = this.s.indexOf('}', this.i);
      this.i = close < 0 ? this.s.length : close + 1;
      return this.s.slice(start, this.i);
    }
    this.i += op.length;
    const word = this.until(() => this.s[this.i] === '}');
    if (this.s[this.i] !== '}') return this.s.slice(start); // unterminated: as written
    this.i++;
    const set = v !== undefined;
    const nonEmpty = set && v !== '';
    switch (op) {
      case '-': case '=': return set ? v! : word;
      case ':-': case ':=': return nonEmpty ? v! : word;
      case '+': return set ? word : '';
      default: return nonEmpty ? word : ''; // ':+'
    }
  }
}
