/**
 * The `lab` command. Parses arguments, calls the Lab verbs, prints; the one place errors are
 * shown to people (LabError: code, message, hint) and turned into an exit status.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { DEFAULT_DOCKER_SOCKET, DockerRuntime, FullNodeImage, IMAGE_KIND_FULL, IMAGE_KIND_RUNTIME, Lab, listDamcImages, mb, NodeImage, PROJECT_DIR, type DamcImageInfo, type Runtime } from '../lab/index.js';
import { generateTopology, SHAPES, topologyToYaml, type Shape } from '../topology/index.js';
import { isLabError } from '../util/errors.js';
import { ctxOf, labForNode, labOf, topologyArg } from './common.js';
import { clabTable, deploySummary, statusTable } from './format.js';
import { addInteractiveCommands, labOrOnly } from './interactive-commands.js';
import { addNodeCommands } from './node-commands.js';
import { addServiceCommands } from './service-commands.js';
import { addSchedulingCommands } from './scheduling-commands.js';

/** The whole `lab` program; the shell builds a fresh one for each line it runs. (Body not re-indented, to keep merges small.) */
export function buildProgram(): Command {
const program = new Command('lab')
  .description('containerlab-style lab for DAMC: YAML topology -> Docker containers joined by veth links')
  .option('--socket <path>', 'Docker API socket (default /var/run/docker.sock, or $DAMC_DOCKER_SOCKET)')
  .option('--debug', 'debug logging')
  .option('-q, --quiet', 'no progress lines')
  .showHelpAfterError();

program.command('deploy')
  .description('create the containers and links of a topology (ours, or a containerlab file)')
  .argument('[topology]', 'YAML topology file (default: the only *.clab.yml here, else topologies/figure2.yaml)')
  .option('-t, --topo <file>', 'topology file (containerlab spelling)')
  .option('--name <lab>', 'lab name (overrides the file\'s name:)')
  .option('--vars <file>', 'variables for a Go-templated topology (containerlab --vars)')
  .option('--image-fallback', 'containerlab nodes whose image is not here and cannot be pulled run on the lab image (each substitution is listed)')
  .option('--format <fmt>', 'table or json', 'table')
  .action(async (arg: string | undefined, o: { topo?: string; name?: string; vars?: string; imageFallback?: boolean; format: string }, cmd: Command) => {
    const ctx = ctxOf(cmd);
    const file = topologyArg(arg, o.topo) ?? join(PROJECT_DIR, 'topologies', 'figure2.yaml');
    const lab = Lab.fromFile(file, ctx, { ...(o.name ? { name: o.name } : {}), ...(o.vars ? { vars: o.vars } : {}) });
    const r = await lab.deploy({ imageFallback: !!o.imageFallback });
    if (o.format === 'json') return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    const nodes = await lab.inspect();
    process.stdout.write(deploySummary(r) + '\n\n' + (lab.topology?.clab ? clabTable(nodes) : statusTable(nodes, false)) + '\n');
  });

program.command('destroy')
  .description('remove every container and link of a lab (found by label)')
  .argument('[topology]', 'YAML topology file (default: the only *.clab.yml here, else the one lab running)')
  .option('-t, --topo <file>', 'topology file (containerlab spelling)')
  .option('--lab <name>', 'lab name instead of a file')
  .option('--name <lab>', 'lab name override used at deploy')
  .option('--all', 'every lab on this machine')
  .action(async (arg: string | undefined, o: { topo?: string; lab?: string; name?: string; all?: boolean }, cmd: Command) => {
    const ctx = ctxOf(cmd);
    const file = o.lab || o.all ? undefined : topologyArg(arg, o.topo);
    // Nothing named: the one lab running here (several: say which, as every lab verb does).
    const labs = o.all ? (await Lab.names(ctx)).map((n) => new Lab(n, ctx)) : [file || o.lab ? labOf(ctx, file, o) : await labOrOnly(ctx, undefined, o)];
    if (labs.length === 0) return void process.stdout.write('no labs on this machine\n');
    for (const lab of labs) {
      const r = await lab.destroy();
      process.stdout.write(r.removed.length
        ? `destroyed lab ${r.lab}: removed ${r.removed.length} containers in ${r.seconds.toFixed(2)} s\n`
        : `lab ${r.lab} has no containers; nothing to remove\n`);
      if (r.left?.length) process.stdout.write(`  left in place (still in use): ${r.left.join(', ')}\n`);
    }
  });

program.command('inspect')
  .description('nodes, state, PID, image and interfaces (read inside each container); containerlab labs in containerlab\'s columns')
  .argument('[topology]', 'YAML topology file (default: the only *.clab.yml here, else the one lab running)')
  .option('-t, --topo <file>', 'topology file (containerlab spelling)')
  .option('--lab <name>', 'lab name instead of a file')
  .option('--name <lab>', 'lab name override used at deploy')
  .option('--all', 'every lab on this machine')
  .addOption(new Option('--format <fmt>', 'output format: table (containerlab columns for containerlab labs), damc (our columns), clab, json')
    .choices(['table', 'damc', 'clab', 'json']).default('table'))
  .action(async (arg: string | undefined, o: { topo?: string; lab?: string; name?: string; all?: boolean; format: string }, cmd: Command) => {
    const ctx = ctxOf(cmd);
    const file = o.lab || o.all ? undefined : topologyArg(arg, o.topo);
    // Nothing named: the one lab running here (several: say which, as every lab verb does).
    const labs = o.all ? (await Lab.names(ctx)).map((n) => new Lab(n, ctx)) : [file || o.lab ? labOf(ctx, file, o) : await labOrOnly(ctx, undefined, o)];
    const nodes = (await Promise.all(labs.map((l) => l.inspect()))).flat();
    if (o.format === 'json') return void process.stdout.write(JSON.stringify(nodes, null, 2) + '\n');
    if (nodes.length === 0) return void process.stdout.write(o.all ? 'no labs on this machine\n' : `lab ${labs[0]?.name} is not deployed\n`);
    const clab = o.format === 'clab' || (o.format === 'table' && nodes.every((n) => n.clab));
    process.stdout.write((clab ? clabTable(nodes) : statusTable(nodes, !!o.all)) + '\n');
  });

program.command('exec')
  .description('run a command in a node; prints its output, exits with its exit code')
  .argument('<node>', 'node name')
  .argument('<cmd...>', 'command (put it after --)')
  .option('--lab <name>', 'lab that holds the node')
  .option('-t, --topology <file>', 'topology file of the lab that holds the node')
  .option('-i, --interactive', 'attach stdin (and a terminal when stdin is one), e.g. lab exec -i sr1 -- bash')
  .action(async (node: string, argv: string[], o: { lab?: string; topology?: string; interactive?: boolean }, cmd: Command) => {
    const ctx = ctxOf(cmd);
    const lab = await labForNode(ctx, node, o);
    const tty = !!o.interactive && process.stdin.isTTY;
    if (tty) process.stdin.setRawMode(true);
    try {
      process.exitCode = await lab.exec(node, argv, {
        stdout: process.stdout, stderr: process.stderr, ...(o.interactive ? { stdin: process.stdin, tty } : {}),
      });
    } finally {
      if (tty) process.stdin.setRawMode(false);
      if (o.interactive) process.stdin.pause();
    }
  });

program.command('generate')
  .description('write a topology of SRs (and SGs with pods)')
  .addArgument(new Command().createArgument('<shape>', SHAPES.join('|')).choices(SHAPES))
  .requiredOption('--nodes <n>', 'number of SRs', (v) => Number(v))
  .option('--seed <s>', 'seed for random', (v) => Number(v), 1)
  .option('--pods <k>', 'number of SGs, each with one pod', (v) => Number(v), 0)
  .option('--name <lab>', 'lab name (default <shape><N>[p<K>])')
  .option('-o, --output <file>', 'file to write, - for stdout (default topologies/<name>.yaml)')
  .action((shape: Shape, o: { nodes: number; seed: number; pods: number; name?: string; output?: string }) => {
    const t = generateTopology({ shape, nodes: o.nodes, seed: o.seed, pods: o.pods, ...(o.name ? { name: o.name } : {}) });
    const argv = `lab generate ${shape} --nodes ${o.nodes}${shape === 'random' ? ` --seed ${o.seed}` : ''}${o.pods ? ` --pods ${o.pods}` : ''}`;
    const text = topologyToYaml(t, `generated by: ${argv}`);
    const out = o.output ?? join('topologies', `${t.name}.yaml`);
    if (out === '-') return void process.stdout.write(text);
    writeFileSync(out, text);
    const links = t.topology.links?.length ?? 0;
    process.stdout.write(`wrote ${out}: ${Object.keys(t.topology.nodes).length} nodes, ${links} links (lab ${t.name})\n`);
  });

addNodeCommands(program);
addInteractiveCommands(program, buildProgram);
addServiceCommands(program);
addSchedulingCommands(program);

const images = program.command('images').description('the node images: damc-node (runtime) and damc-node-full (runtime + project)');
images.command('build')
  .description('build the node image from this host\'s files (no registry)')
  .option('--force', 'rebuild even when the image is up to date (with --with-project: the full image)')
  .option('--with-project', 'also build damc-node-full:<tag>: the runtime image plus the built project at /opt/damc, to run a node without the repository')
  .action(async (o: { force?: boolean; withProject?: boolean }, cmd: Command) => {
    const ctx = ctxOf(cmd);
    await ctx.runtime.ping();
    const img = new NodeImage(ctx.runtime, { imagesDir: join(PROJECT_DIR, 'images'), onEvent: ctx.onEvent });
    if (o.withProject) {
      const full = new FullNodeImage(ctx.runtime, { projectDir: PROJECT_DIR, imagesDir: join(PROJECT_DIR, 'images'), runtimeImage: img, socketPath: socketOf(ctx.runtime), onEvent: ctx.onEvent });
      const r = await full.ensure(!!o.force);
      return void process.stdout.write(r.built ? `${r.tag}\n` : `${r.tag} is up to date\n`);
    }
    const tag = img.tag();
    if (await ctx.runtime.imageExists(tag)) {
      if (!o.force) return void process.stdout.write(`${tag} is up to date\n`);
      await ctx.runtime.removeImage(tag); // else the rebuilt tag leaves the old image dangling
    }
    process.stdout.write(`${await img.build(tag)}\n`);
  });
images.command('ls')
  .description('the damc images on this machine: tag, size, what each is')
  .action(async (_o: unknown, cmd: Command) => {
    const ctx = ctxOf(cmd);
    await ctx.runtime.ping();
    const list = await listDamcImages(socketOf(ctx.runtime));
    if (list.length === 0) return void process.stdout.write('no damc images; build one with: lab images build [--with-project]\n');
    const what = (i: DamcImageInfo): string => i.kind === IMAGE_KIND_RUNTIME
      ? 'runtime: node, tcpdump, ip, ping (deploy bind-mounts the project)'
      : i.kind === IMAGE_KIND_FULL ? `runtime + project at /opt/damc (source ${i.labels['damc.source'] ?? '?'}, on ${i.labels['damc.base'] ?? '?'})` : i.kind;
    const rows = list.map((i) => [i.tags.join(',') || `<dangling ${i.id}>`, mb(i.bytes), i.created.toISOString().slice(0, 16).replace('T', ' '), what(i)]);
    const w = [0, 1, 2].map((c) => Math.max(...[['IMAGE', 'SIZE', 'CREATED'][c]!.length, ...rows.map((r) => r[c]!.length)]));
    for (const r of [['IMAGE', 'SIZE', 'CREATED', 'WHAT'], ...rows]) process.stdout.write(r.map((v, c) => (c < 3 ? v.padEnd(w[c]!) : v)).join('  ') + '\n');
  });

return program;
}

/** The Docker socket of the context's runtime (the full image is built through the API). */
function socketOf(runtime: Runtime): string {
  return runtime instanceof DockerRuntime ? runtime.socketPath : DEFAULT_DOCKER_SOCKET;
}

buildProgram().parseAsync(process.argv).catch((e: unknown) => {
  if (isLabError(e)) {
    process.stderr.write(e.describe() + '\n');
    process.exitCode = 1;
  } else {
    process.stderr.write(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
});
