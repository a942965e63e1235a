/**
 * Entry point of every DAMC node container: reads /etc/damc/node.json and runs the program
 * for its kind. SG and SR run the router; the other kinds idle until their issues land.
 */
import { readFileSync } from 'node:fs';
import { isLabError } from '../util/errors.js';
import { logger } from '../util/log.js';
import { NODE_CONFIG_PATH, readNodeConfig, type NodeConfig } from './config.js';

const path = process.argv[2] ?? NODE_CONFIG_PATH;
let cfg: NodeConfig;
try {
  cfg = await readNodeConfig(readFileSync(path, 'utf8'), path);
} catch (e) {
  // Checked before anything starts: a bad file is one clear line in `docker logs`, exit 1.
  logger('node').fatal(isLabError(e) ? { code: e.code, hint: e.hint } : { err: e }, e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const log = logger(`node:${cfg.kind}`, { node: cfg.node });

if (cfg.kind === 'damc-sg' || cfg.kind === 'damc-sr' || cfg.kind === 'damc-scsc') {
  const { runRouter } = await import('./router-main.js');
  try {
    await runRouter(cfg, logger('router', { node: cfg.node }));
  } catch (e) {
    log.fatal(isLabError(e) ? { code: e.code, hint: e.hint } : { err: e }, e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
} else if (cfg.kind === 'damc-spa') {
  await (await import('./spa/spa-main.js')).runSpa(cfg, logger('spa', { node: cfg.node }));
} else if (cfg.kind === 'damc-pod') {
  const pod = await (await import('./pod/pod-main.js')).runPod(cfg, logger('pod', { node: cfg.node }));
  // Beside the pod program, its announcement agent: tells its SG (class 1) what the pod serves,
  // and withdraws the instances of a user program that exits.
  const agent = await (await import('./pod/agent.js')).runAgent(cfg, logger('pod:agent', { node: cfg.node }),
    cfg.podServices ? { instances: cfg.podServices.map((s) => s.instance) } : {});
  pod.onInstancesDown((instances) => { for (const i of instances) agent?.instanceDown(i); });
} else {
  log.info({ interfaces: cfg.interfaces.map((i) => i.name) }, 'no program for this kind yet; idling');
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = () => { clearInterval(keepAlive); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
