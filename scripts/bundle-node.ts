/**
 * Bundles the node program (dist/src/node/main.js and everything it imports, dependencies
 * included) into one file, dist/src/node/main.bundle.mjs, which lab nodes run when it is at
 * least as new as every compiled file (src/topology/node-program.ts). Why: a router process
 * loading ~150 ES modules spent ~0.22 s of CPU before its first Hello, one file ~0.14 s
 * (README "Scale"); at hundreds of routers on two cores start-up CPU is what delays
 * convergence. Run by `npm run build:ts` after tsc; the native addon stays outside (it is
 * loaded by path, from the same directory depth as before).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../', import.meta.url));
await build({
  entryPoints: [`${dist}src/node/main.js`],
  outfile: `${dist}src/node/main.bundle.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['*.node'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __damcRequire } from 'node:module'; const require = __damcRequire(import.meta.url);" },
  logLevel: 'error',
});
