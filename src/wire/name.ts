/**
 * A DAMC name: a sequence of byte components, as in NDN. Canonical text form `/B/4/echo`:
 * each component percent-escapes every byte outside [A-Za-z0-9-._~], and a component made only
 * of periods (the empty one included) gets three more periods so that `/`, `.` and `..`
 * never become ambiguous (NDN URI rules). Names are immutable; `key` is the canonical text,
 * usable as a Map key.
 */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const enc = new TextEncoder();

export class Name {
  readonly components: readonly Uint8Array[];
  // An ES private field: invisible to deepStrictEqual, so a printed name still equals a fresh one.
  #text?: string;

  constructor(components: readonly Uint8Array[] = []) {
    this.components = components;
  }

  static from(components: readonly (string | Uint8Array)[]): Name {
    return new Name(components.map((c) => (typeof c === 'string' ? enc.encode(c) : c)));
  }

  /** Parses the canonical text form; throws NameSyntaxError on a bad escape. */
  static parse(text: string): Name {
    let t = text.startsWith('/') ? text.slice(1) : text;
    // A trailing slash adds nothing (as in NDN URIs): `/B/` is `/B`.
    if (t.endsWith('/')) t = t.slice(0, -1);
    if (t === '') return new Name([]);
    return new Name(t.split('/').map((part, i) => parseComponent(part, i, text)));
  }

  get length(): number {
    return this.components.length;
  }

  get(i: number): Uint8Array | undefined {
    return this.components.at(i);
  }

  append(...more: (string | Uint8Array | Name)[]): Name {
    const add: Uint8Array[] = [];
    for (const m of more) {
      if (m instanceof Name) add.push(...m.components);
      else add.push(typeof m === 'string' ? enc.encode(m) : m);
    }
    return new Name([...this.components, ...add]);
  }

  prefix(n: number): Name {
    return new Name(this.components.slice(0, n));
  }

  isPrefixOf(other: Name): boolean {
    if (this.length > other.length) return false;
    return this.components.every((c, i) => bytesEqual(c, other.components[i]!));
  }

  equals(other: Name): boolean {
    return this.length === other.length && this.isPrefixOf(other);
  }

  /** Canonical order: component by component, shorter component first, then bytes. */
  compare(other: Name): number {
    const n = Math.min(this.length, other.length);
    for (let i = 0; i < n; i++) {
      const d = compareComponent(this.components[i]!, other.components[i]!);
      if (d !== 0) return d;
    }
    return this.length - other.length;
  }

  get key(): string {
    return this.toString();
  }

  toString(): string {
    this.#text ??= '/' + this.components.map(componentToText).join('/');
    return this.#text;
  }

  toJSON(): string {
    return this.toString();
  }
}

export class NameSyntaxError extends Error {
  constructor(readonly text: string, detail: string) {
    super(`bad name "${text}": ${detail}`);
    this.name = 'NameSyntaxError';
  }
}

function parseComponent(part: string, index: number, whole: string): Uint8Array {
  if (/^\.+$/.test(part)) {
    if (part.length < 3) throw new NameSyntaxError(whole, `component ${index} "${part}" is reserved; write "${part}..." for it`);
    return enc.encode(part.slice(3));
  }
  const out: number[] = [];
  let pending = 0; // characters of a %XX escape still to skip
  let i = 0;
  // Iterate by code point, so a character outside the BMP encodes as one UTF-8 sequence.
  for (const ch of part) {
    if (pending > 0) {
      pending--;
    } else if (ch === '%') {
      const hex = part.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new NameSyntaxError(whole, `bad escape "%${hex}" in component ${index}`);
      out.push(parseInt(hex, 16));
      pending = 2;
    } else {
      for (const b of enc.encode(ch)) out.push(b);
    }
    i += ch.length;
  }
  return Uint8Array.from(out);
}

function componentToText(c: Uint8Array): string {
  let s = '';
  let allPeriods = true;
  for (const b of c) {
    const ch = String.fromCharCode(b);
    if (b !== 0x2e) allPeriods = false;
    s += b < 0x80 && UNRESERVED.test(ch) ? ch : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return allPeriods ? s + '...' : s;
}

function compareComponent(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
