/**
 * Commands about one node: `lab restart <node>`; `lab fib|rib|lsdb|neighbors|counters <node>`
 * and `lab ping <node> <name>`, the router's state seen from the host. Those talk to the
 * router's control socket through the container's root (/proc/<pid>/root/run/damc/
 * control.sock), so a query costs no process in the node; the answer is the same JSON the
 * in-node tool prints (`node /opt/damc/dist/src/node/ctl.js fib`).
 */
import type { Command } from 'commander';
import { AGENT_SOCKET, CONTROL_SOCKET } from '../config/index.js';
import { grantsTable } from '../node/service-views.js';
import { controlRequest } from '../node/control-client.js';
import { pingLine, table, VIEW_HELP, VIEW_NAMES, type PingView } from '../node/views.js';
import { LabError } from '../util/errors.js';
import { ctxOf, labForNode } from './common.js';
import { LABEL_KIND } from '../lab/labels.js';

interface NodeOpts { lab?: string; topology?: string; json?: boolean }

async function socketOf(cmd: Command, node: string, o: NodeOpts, podSocket = false): Promise<string> {
  const lab = await labForNode(ctxOf(cmd), node, o);
  const c = await lab.container(node);
  if (c.state !== 'running' || !c.pid) {
    throw new LabError('NODE_NOT_RUNNING', `node ${node} of lab ${lab.name} is ${c.state}`, `see \`docker logs ${c.name}\``);
  }
  return `/proc/${c.pid}/root${podSocket && c.labels[LABEL_KIND] === 'damc-pod' ? AGENT_SOCKET : CONTROL_SOCKET}`;
}

export function addNodeCommands(program: Command): void {
  program.command('restart')
    .description('stop and start a node and plug its links back in (its veths die with the container)')
    .argument('<node>', 'node name')
    .option('--lab <name>', 'lab that holds the node')
    .option('-t, --topology <file>', 'topology file of the lab that holds the node')
    .action(async (node: string, o: NodeOpts, cmd: Command) => {
      const lab = await labForNode(ctxOf(cmd), node, o);
      const r = await lab.restart(node);
      process.stdout.write(`restarted ${r.node} of lab ${r.lab}: ${r.links.length} links re-created in ${r.seconds.toFixed(2)} s` +
        (r.skipped.length ? `; not re-created (peer not running): ${r.skipped.join(', ')}` : '') +
        (r.impairments.length ? `; impairments put back: ${r.impairments.join(', ')}` : '') + '\n');
    });

  for (const view of VIEW_NAMES) {
    program.command(view)
      .description(`${VIEW_HELP[view]}, of one SG or SR, read from the host`)
      .argument('<node>', 'an SG or SR node')
      .option('--lab <name>', 'lab that holds the node')
      .option('-t, --topology <file>', 'topology file of the lab that holds the node')
      .option('--json', 'print JSON (the shape tools read)')
      .action(async (node: string, o: NodeOpts, cmd: Command) => {
        const data = await controlRequest(await socketOf(cmd, node, o), { cmd: view });
        process.stdout.write((o.json ? JSON.stringify(data, null, 2) : table(view, data)) + '\n');
      });
  }
  program.command('grants')
    .description('the service plane at a node: an SG\'s announcements and grants, an SPA\'s grants and rejections, a pod\'s announced prefixes')
    .argument('<node>', 'an SG, SPA or pod')
    .option('--lab <name>', 'lab that holds the node')
    .option('-t, --topology <file>', 'topology file of the lab that holds the node')
    .option('--json', 'print JSON')
    .action(async (node: string, o: NodeOpts, cmd: Command) => {
      const sock = await socketOf(cmd, node, o, true);
      const data = await controlRequest(sock, { cmd: sock.endsWith(AGENT_SOCKET) ? 'announcements' : 'grants' });
      process.stdout.write((o.json ? JSON.stringify(data, null, 2) : grantsTable(data)) + '\n');
    });
  program.command('ping')
    .description('send a name-tagged request from a router to a name (e.g. /damc/router/sg4) and wait for the answer')
    .argument('<node>', 'the SG or SR that sends it')
    .argument('<name>', 'the name to reach')
    .option('--lab <name>', 'lab that holds the node')
    .option('-t, --topology <file>', 'topology file of the lab that holds the node')
    .option('--timeout <ms>', 'give up after', '1000')
    .option('--json', 'print JSON')
    .action(async (node: string, name: string, o: NodeOpts & { timeout: string }, cmd: Command) => {
      const ms = Number(o.timeout);
      const r = await controlRequest(await socketOf(cmd, node, o), { cmd: 'ping', name, timeoutMs: ms }, ms + 2000) as PingView;
      process.stdout.write((o.json ? JSON.stringify(r) : pingLine(r)) + '\n');
      if (r.result !== 'ok') process.exitCode = 1;
    });
}
