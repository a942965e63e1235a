import { resolve as resolvePath } from 'node:path';
import { autoVarsFile, refuseGoTemplate } from './clab/template.js';
import { substituteEnv } from './clab/env-subst.js';
import { parseTopology, readTopologyFile } from './parse.js';
import { resolveTopology } from './resolve.js';
import type { ResolvedTopology } from './resolved.js';

export interface LoadOptions {
  /** Overrides the file's `name:`. */
  name?: string;
  /** containerlab's `--vars FILE` for Go-template rendering. */
  vars?: string;
  /** Environment for substitution and __IMPORT_ENVS (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Read, render, parse and resolve a topology file, the way containerlab reads one: Go
 * template first (refused, naming the construct: see clab/template.ts), then environment
 * substitution over the text, then strict YAML.
 */
export function loadTopology(file: string, opts: LoadOptions = {}): ResolvedTopology {
  const abs = resolvePath(file);
  const text = readTopologyFile(abs);
  refuseGoTemplate(text, file, opts.vars ?? autoVarsFile(abs));
  if (opts.vars) readTopologyFile(resolvePath(opts.vars));
  const raw = parseTopology(substituteEnv(text, opts.env ?? process.env), file);
  return resolveTopology(raw, {
    file: abs,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
}
