/**
 * The in-node control tool (like nfdc/nlsrc): asks the router over its control socket.
 *   node /opt/damc/dist/src/node/ctl.js fib --json
 *   node /opt/damc/dist/src/node/ctl.js neighbors
 *   node /opt/damc/dist/src/node/ctl.js ping /damc/router/sg4
 */
import { Command } from 'commander';
import { isLabError } from '../util/errors.js';
import { CONTROL_SOCKET } from './config.js';
import { controlRequest } from './control-client.js';
import { table, VIEW_NAMES, type ViewName } from './views.js';

const program = new Command('damc-ctl')
  .description('show and probe the DAMC router in this node')
  .option('--socket <path>', 'control socket', process.env.DAMC_CONTROL_SOCKET ?? CONTROL_SOCKET);

const describe: Record<ViewName, string> = {
  neighbors: 'neighbors heard on each fabric interface (two-way = adjacency up)',
  lsdb: 'the link-state database: adjacency and prefix LSAs with sequence numbers',
  rib: 'routes per prefix: cost, originating routers, all equal-cost next hops',
  fib: 'the forwarding table (longest-prefix match on name components)',
  counters: 'router counters (every drop has one) and per-interface frame counters',
};

for (const v of VIEW_NAMES) {
  program.command(v).description(describe[v]).option('--json', 'print JSON').action(async (opts: { json?: boolean }) => {
    const data = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: v });
    console.log(opts.json ? JSON.stringify(data, null, 2) : table(v, data));
  });
}

program.command('ping <name>').description('send a request to a name (e.g. /damc/router/sr1) and wait for the answer')
  .option('--json', 'print JSON').option('--timeout <ms>', 'give up after', '1000')
  .action(async (name: string, opts: { json?: boolean; timeout: string }) => {
    const r = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: 'ping', name, timeoutMs: Number(opts.timeout) }, Number(opts.timeout) + 2000) as
      { name: string; result: string; rttMs: number; reporter?: string };
    console.log(opts.json ? JSON.stringify(r) : `${r.name}: ${r.result}${r.reporter ? ` from ${r.reporter}` : ''}, ${r.rttMs} ms`);
    if (r.result !== 'ok') process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (e) {
  console.error(isLabError(e) ? e.describe() : e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
