/**
 * The service plane from the host: `lab call <pod> <url> [curl args…]` runs curl inside the pod
 * (through the pod's HTTP_PROXY, i.e. its SG) and prints the body; `lab service ls|set` shows
 * and changes a pod's built-in instances' knobs over the pod program's control socket.
 */
import type { Command } from 'commander';
import { controlRequest } from '../node/control-client.js';
import { POD_CONTROL_SOCKET, type PodView } from '../node/pod/pod-main.js';
import { parseDuration } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import { ctxOf, labForNode } from './common.js';

interface NodeOpts { lab?: string; topology?: string }

async function podSocket(cmd: Command, pod: string, o: NodeOpts): Promise<string> {
  const lab = await labForNode(ctxOf(cmd), pod, o);
  const c = await lab.container(pod);
  if (c.labels['damc.kind'] !== 'damc-pod') throw new LabError('NOT_A_POD', `node ${pod} is a ${c.labels['damc.kind'] ?? 'non-DAMC'} node, not a pod`, 'name a damc-pod node');
  if (c.state !== 'running' || !c.pid) throw new LabError('NODE_NOT_RUNNING', `node ${pod} of lab ${lab.name} is ${c.state}`, `see \`docker logs ${c.name}\``);
  return `/proc/${c.pid}/root${POD_CONTROL_SOCKET}`;
}

function knobTable(rows: PodView[]): string {
  const t = [['INSTANCE', 'APP', 'PORT', 'DELAY', 'ERROR-RATE', 'SERVED'], ...rows.map((r) => [r.instance, r.app, String(r.port), `${r.delayMs}ms`, String(r.errorRate), r.served === undefined ? '-' : String(r.served)])];
  const w = t[0]!.map((_x, c) => Math.max(...t.map((r) => r[c]!.length)));
  return t.map((r) => r.map((v, c) => v.padEnd(w[c]!)).join('  ').trimEnd()).join('\n');
}

export function addServiceCommands(program: Command): void {
  program.command('call')
    .description('run curl inside a pod (through its SG\'s HTTP proxy) and print the body, e.g. lab call pod1 http://B/echo -d hi')
    .argument('<pod>', 'the pod that calls')
    .argument('<curl-args...>', 'the URL, http://<service>/path (the pool) or http://<instance>.<service>/path (one instance), and curl arguments in any order (-d, -X, -H, -i, -o …)')
    .option('--lab <name>', 'lab that holds the pod')
    .option('-t, --topology <file>', 'topology file of the lab that holds the pod')
    .allowUnknownOption()
    .action(async (pod: string, curlArgs: string[], o: NodeOpts, cmd: Command) => {
      if (!curlArgs.some((a) => /^https?:\/\//i.test(a))) {
        throw new LabError('CALL_NO_URL', `lab call ${pod} ${curlArgs.join(' ')}: no http:// URL among the arguments`, `e.g. lab call ${pod} http://B/echo -d hi, or lab call ${pod} -X POST http://4.B/echo`);
      }
      const lab = await labForNode(ctxOf(cmd), pod, o);
      // --fail-with-body: an HTTP error prints its body (the gateway says why) and exits 22.
      // The user's arguments go to curl in the order given (curl takes options before the URL too).
      process.exitCode = await lab.exec(pod, ['curl', '-sS', '--fail-with-body', '--max-time', '60', ...curlArgs], { stdout: process.stdout, stderr: process.stderr });
    });

  const svc = program.command('service').description('a pod\'s service instances and their knobs');
  svc.command('ls')
    .description('the instances of a pod: app, port, delay, error rate, requests served')
    .argument('<pod>', 'a damc-pod node')
    .option('--lab <name>', 'lab that holds the pod')
    .option('-t, --topology <file>', 'topology file of the lab that holds the pod')
    .option('--json', 'print JSON')
    .action(async (pod: string, o: NodeOpts & { json?: boolean }, cmd: Command) => {
      const rows = await controlRequest(await podSocket(cmd, pod, o), { cmd: 'services' }) as PodView[];
      process.stdout.write((o.json ? JSON.stringify(rows, null, 2) : knobTable(rows)) + '\n');
    });
  svc.command('set')
    .description('make a built-in instance slow or failing, e.g. lab service set pod4 B/4 --delay 200ms --error-rate 0.5')
    .argument('<pod>', 'a damc-pod node')
    .argument('<instance>', 'e.g. B/4')
    .option('--delay <duration>', 'wait before each answer: 200ms, 1.5s, 0')
    .option('--error-rate <p>', 'share of answers that are a 500 instead, 0..1')
    .option('--lab <name>', 'lab that holds the pod')
    .option('-t, --topology <file>', 'topology file of the lab that holds the pod')
    .action(async (pod: string, instance: string, o: NodeOpts & { delay?: string; errorRate?: string }, cmd: Command) => {
      if (o.delay === undefined && o.errorRate === undefined) throw new LabError('NOTHING_TO_SET', 'give --delay and/or --error-rate', 'e.g. lab service set pod4 B/4 --delay 200ms --error-rate 0.5');
      const req = {
        cmd: 'service-set', instance,
        ...(o.delay !== undefined ? { delayMs: parseDuration(o.delay, '--delay') } : {}),
        ...(o.errorRate !== undefined ? { errorRate: Number(o.errorRate) } : {}),
      };
      const row = await controlRequest(await podSocket(cmd, pod, o), req) as PodView;
      process.stdout.write(knobTable([row]) + '\n');
    });
}
