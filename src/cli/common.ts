/** Shared by every `lab` command: the Docker context from global options and how a lab is named. */
import { readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { Lab, dockerContext, type LabContext } from '../lab/index.js';
import { loadTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import { setLogLevel } from '../util/log.js';

export interface GlobalOptions { socket?: string; debug?: boolean; quiet?: boolean }

export function ctxOf(cmd: Command): LabContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  if (g.debug) setLogLevel('debug');
  return dockerContext({
    ...(g.socket ? { socketPath: g.socket } : {}),
    onEvent: g.quiet ? () => {} : (m) => process.stdout.write(`${m}\n`),
  });
}

/** A lab named by a topology file (its name:, or --name) or by --lab. */
export function labOf(ctx: LabContext, topology: string | undefined, o: { lab?: string; name?: string }): Lab {
  if (o.lab) return new Lab(o.lab, ctx);
  if (topology) return new Lab(loadTopology(topology, o.name ? { name: o.name } : {}).name, ctx);
  throw new LabError('LAB_REQUIRED', 'which lab?', 'give a topology file, --lab <name>, or --all');
}

/**
 * The lab for a command about one node (`exec`, and later `fib`, `lsdb`, `neighbors`):
 * --lab or -t <topology> when given, else the one running lab that has such a node.
 */
export async function labForNode(ctx: LabContext, node: string, o: { lab?: string; topology?: string }): Promise<Lab> {
  return o.lab || o.topology ? labOf(ctx, o.topology, o) : Lab.withNode(node, ctx);
}

/**
 * The topology a verb works on: the argument, or -t (containerlab's spelling), or, as
 * containerlab does, the only *.clab.yml / *.clab.yaml file in the current directory.
 */
export function topologyArg(arg: string | undefined, topo: string | undefined): string | undefined {
  if (arg && topo && arg !== topo) throw new LabError('TOPOLOGY_TWICE', `two topologies given: ${arg} and -t ${topo}`, 'give one');
  if (arg ?? topo) return arg ?? topo;
  const found = readdirSync('.').filter((f) => /\.clab\.ya?ml$/.test(f)).sort();
  if (found.length > 1) {
    throw new LabError('TOPOLOGY_AMBIGUOUS', `${found.length} containerlab files here: ${found.join(', ')}`, 'name one: -t <file>');
  }
  return found[0];
}
