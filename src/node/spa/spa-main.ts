/** Runs the SPA in a container: a raw face on each link (to its SGs) and the control socket. */
import { openFace } from '../../face/index.js';
import type { Logger } from '../../util/log.js';
import { CONTROL_SOCKET, type NodeConfig } from '../config.js';
import { realScheduler } from '../real-scheduler.js';
import { waitForInterfaces } from '../router-main.js';
import { SpaNode } from './spa-node.js';

export async function runSpa(cfg: NodeConfig, log: Logger): Promise<SpaNode> {
  const names = cfg.interfaces.filter((i) => i.peerKind === 'damc-sg').map((i) => i.name);
  await waitForInterfaces(names, log);
  const spa = new SpaNode(cfg, { faces: names.map((n) => openFace(n)), scheduler: realScheduler, log, controlPath: CONTROL_SOCKET });
  await spa.start();
  const stop = () => {
    spa.stop();
    setTimeout(() => process.exit(0), 50);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return spa;
}
