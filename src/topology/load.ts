import { resolve as resolvePath } from 'node:path';
import { parseTopology, readTopologyFile } from './parse.js';
import { resolveTopology } from './resolve.js';
import type { ResolvedTopology } from './resolved.js';

/** Read, parse and resolve a topology file; `name` overrides the lab name. */
export function loadTopology(file: string, opts: { name?: string } = {}): ResolvedTopology {
  const abs = resolvePath(file);
  const raw = parseTopology(readTopologyFile(abs), file);
  return resolveTopology(raw, { file: abs, ...(opts.name !== undefined ? { name: opts.name } : {}) });
}
