/**
 * Runs the router in a container: waits for the fabric interfaces the lab is still plugging
 * in, opens a raw face on each, watches carrier, and serves the control socket.
 */
import type { Face } from '../face/face.js';
import { interfaceState, openFace, watchLinks } from '../face/index.js';
import type { Logger } from '../util/log.js';
import { CONTROL_SOCKET, NODE_STATE_DIR, type NodeConfig } from './config.js';
import { realScheduler } from './real-scheduler.js';
import { fabricInterfaces, RouterNode } from './router-node.js';
import { FileSeqStore } from './seq-file-store.js';

const WAIT_LOG_MS = 5_000;

export async function runRouter(cfg: NodeConfig, log: Logger): Promise<RouterNode> {
  const names = fabricInterfaces(cfg).map((i) => i.name);
  await waitForInterfaces(names, log);
  const watcher = watchLinks();
  const faces: Face[] = names.map((n) => openFace(n));
  const node = new RouterNode(cfg, {
    faces, watcher, scheduler: realScheduler, seqStore: new FileSeqStore(NODE_STATE_DIR), log, controlPath: CONTROL_SOCKET,
  });
  await node.start();
  for (const n of names) if (!interfaceState(n).up) node.host.core.linkChange(n, false);
  const stop = () => {
    node.stop();
    // Give the flush frames one event-loop turn to leave, then go.
    setTimeout(() => process.exit(0), 50);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return node;
}

async function waitForInterfaces(names: string[], log: Logger): Promise<void> {
  const start = Date.now();
  let lastLog = start;
  for (;;) {
    const missing = names.filter((n) => {
      try {
        interfaceState(n);
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length === 0) return;
    if (Date.now() - lastLog >= WAIT_LOG_MS) {
      lastLog = Date.now();
      log.info({ missing, waitedS: Math.round((Date.now() - start) / 1000) }, 'waiting for the lab to plug in interfaces');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
