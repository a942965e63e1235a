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
import { grantsTable } from './service-views.js';
import { pingLine, table, VIEW_HELP, VIEW_NAMES, type PingView } from './views.js';

const program = new Command('damc-ctl')
  .description('show and probe the DAMC router in this node')
  .option('--socket <path>', 'control socket', process.env.DAMC_CONTROL_SOCKET ?? CONTROL_SOCKET);

for (const v of VIEW_NAMES) {
  program.command(v).description(VIEW_HELP[v]).option('--json', 'print JSON').action(async (opts: { json?: boolean }) => {
    const data = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: v });
    console.log(opts.json ? JSON.stringify(data, null, 2) : table(v, data));
  });
}

program.command('grants').description('the service plane here: an SG\'s announcements and grants, an SPA\'s grants and rejections')
  .option('--json', 'print JSON').action(async (opts: { json?: boolean }) => {
    const data = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: 'grants' });
    console.log(opts.json ? JSON.stringify(data, null, 2) : grantsTable(data));
  });

program.command('announcements').description('a pod\'s announced prefixes and what its SG answered (use --socket /run/damc/agent.sock)')
  .option('--json', 'print JSON').action(async (opts: { json?: boolean }) => {
    const data = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: 'announcements' });
    console.log(opts.json ? JSON.stringify(data, null, 2) : grantsTable(data));
  });

program.command('instance <action> <instances...>').description('a pod\'s agent: announce (start) or withdraw (stop) instances, e.g. `instance start X/1` (use --socket /run/damc/agent.sock)')
  .action(async (action: string, instances: string[]) => {
    if (action !== 'start' && action !== 'stop') throw new Error(`instance ${action}: say start or stop`);
    const data = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: `instance-${action}`, instances });
    console.log(grantsTable(data));
  });

program.command('ping <name>').description('send a request to a name (e.g. /damc/router/sr1) and wait for the answer')
  .option('--json', 'print JSON').option('--timeout <ms>', 'give up after', '1000')
  .action(async (name: string, opts: { json?: boolean; timeout: string }) => {
    const r = await controlRequest(program.opts<{ socket: string }>().socket, { cmd: 'ping', name, timeoutMs: Number(opts.timeout) }, Number(opts.timeout) + 2000) as PingView;
    console.log(opts.json ? JSON.stringify(r) : pingLine(r));
    if (r.result !== 'ok') process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (e) {
  console.error(isLabError(e) ? e.describe() : e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
