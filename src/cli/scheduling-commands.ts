/**
 * Scheduling from the host: `lab metrics <node>` prints a node's Prometheus text (also served
 * on port 9464 inside the node), `lab policies [node]` the policies routers hold, their
 * rejection counters and local ejections, `lab scsc` the SCSC's view and decisions.
 */
import type { Command } from 'commander';
import { CONTROL_SOCKET } from '../node/config.js';
import { controlRequest } from '../node/control-client.js';
import type { PoliciesView } from '../node/sg/scheduling-control.js';
import { join } from 'node:path';
import { PROJECT_DIR } from '../lab/index.js';
import { LabError } from '../util/errors.js';
import { ctxOf, labForNode, labOf } from './common.js';

interface NodeOpts { lab?: string; topology?: string }

const ROUTER_KINDS = ['damc-sg', 'damc-sr', 'damc-scsc'];

async function routerSocket(cmd: Command, node: string, o: NodeOpts): Promise<string> {
  const lab = await labForNode(ctxOf(cmd), node, o);
  const c = await lab.container(node);
  if (!ROUTER_KINDS.includes(c.labels['damc.kind'] ?? '')) throw new LabError('NOT_A_ROUTER', `node ${node} is a ${c.labels['damc.kind'] ?? 'non-DAMC'} node, not an SG, SR or SCSC`, 'name a damc-sg, damc-sr or damc-scsc node');
  if (c.state !== 'running' || !c.pid) throw new LabError('NODE_NOT_RUNNING', `node ${node} of lab ${lab.name} is ${c.state}`, `see \`docker logs ${c.name}\``);
  return `/proc/${c.pid}/root${CONTROL_SOCKET}`;
}

export function addSchedulingCommands(program: Command): void {
  program.command('metrics')
    .description('a router\'s Prometheus metrics (also on http://<node>:9464/metrics inside the lab)')
    .argument('<node>', 'an SG or SR')
    .option('--lab <name>', 'lab that holds the node')
    .option('-t, --topology <file>', 'topology file of the lab that holds the node')
    .action(async (node: string, o: NodeOpts, cmd: Command) => {
      process.stdout.write(await controlRequest(await routerSocket(cmd, node, o), { cmd: 'metrics' }) as string);
    });

  program.command('policies')
    .description('the QoS policies routers hold, rejections counted, local ejections')
    .argument('[node]', 'an SG or SR (default: every SG and SR of the lab)')
    .option('--lab <name>', 'lab that holds the node')
    .option('-t, --topology <file>', 'topology file of the lab (default topologies/figure2.yaml)')
    .option('--json', 'print JSON')
    .action(async (node: string | undefined, o: NodeOpts & { json?: boolean }, cmd: Command) => {
      let nodes: string[];
      if (node) nodes = [node];
      else {
        const lab = labOf(ctxOf(cmd), o.lab ? undefined : o.topology ?? join(PROJECT_DIR, 'topologies', 'figure2.yaml'), o);
        nodes = (await lab.inspect()).filter((n) => n.kind === 'damc-sg' || n.kind === 'damc-sr').map((n) => n.node).sort();
      }
      const out: Record<string, PoliciesView> = {};
      for (const n of nodes) out[n] = await controlRequest(await routerSocket(cmd, n, o), { cmd: 'policies' }) as PoliciesView;
      if (o.json) return void process.stdout.write(JSON.stringify(node ? out[node] : out, null, 2) + '\n');
      process.stdout.write(nodes.map((n) => `== ${n}\n${out[n]!.text}`).join('\n\n') + '\n');
    });

  program.command('scsc')
    .description('the SCSC\'s view: instances and their figures per SG, its decisions and why, the policies it keeps pushed')
    .argument('[node]', 'the SCSC node (default: the lab\'s damc-scsc node)')
    .option('--lab <name>', 'lab that holds the SCSC')
    .option('-t, --topology <file>', 'topology file of the lab (default topologies/figure2.yaml)')
    .option('--json', 'print JSON')
    .action(async (node: string | undefined, o: NodeOpts & { json?: boolean }, cmd: Command) => {
      if (!node) {
        const lab = labOf(ctxOf(cmd), o.lab ? undefined : o.topology ?? join(PROJECT_DIR, 'topologies', 'figure2.yaml'), o);
        node = (await lab.inspect()).find((n) => n.kind === 'damc-scsc')?.node;
        if (!node) throw new LabError('NO_SCSC', `lab ${lab.name} has no damc-scsc node`, 'add one to the topology, linked to an SR');
      }
      const r = await controlRequest(await routerSocket(cmd, node, o), { cmd: 'scsc' }) as { text: string; view: unknown; counters: unknown };
      process.stdout.write((o.json ? JSON.stringify({ ...(r.view as object), counters: r.counters }, null, 2) : r.text) + '\n');
    });
}
