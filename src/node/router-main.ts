/**
 * Runs the router in a container: waits for the fabric interfaces the lab is still plugging
 * in, opens a raw face on each, watches carrier, and serves the control socket.
 */
import { existsSync } from 'node:fs';
import type { Face, LinkWatcher } from '../face/face.js';
import { here, interfaceState, openFace, watchLinks, type Within } from '../face/index.js';
import type { Logger } from '../util/log.js';
import { CONTROL_SOCKET, NODE_STATE_DIR, type NodeConfig } from './config.js';
import { realScheduler } from './real-scheduler.js';
import { fabricInterfaces, RouterNode } from './router-node.js';
import { serviceInterfaces } from './sg/registrar-node.js';
import { METRICS_PORT } from './sg/metrics-server.js';
import type { ServiceGatewayOptions } from './sg/service-gateway.js';
import { FileSeqStore } from './seq-file-store.js';

const WAIT_LOG_MS = 5_000;

/** Where a router runs: its own container (the default), or a shared process (src/node/pool). */
export interface RouterPlace {
  /** Runs synchronous socket and interface work in the router's network namespace. */
  readonly within: Within;
  readonly controlPath: string;
  readonly stateDir: string;
  readonly proxy?: ServiceGatewayOptions;
}

export interface RunningRouter {
  readonly node: RouterNode;
  /** Stops the router and closes its faces and link monitor; `crash`: no flush, as a killed process. */
  close(opts?: { crash?: boolean }): void;
}

export async function runRouter(cfg: NodeConfig, log: Logger): Promise<RouterNode> {
  await waitForInterfaces([...fabricInterfaces(cfg), ...serviceInterfaces(cfg)].map((i) => i.name), log);
  const r = await startRouter(cfg, log, { within: here, controlPath: CONTROL_SOCKET, stateDir: NODE_STATE_DIR, proxy: { listen: true, metricsPort: METRICS_PORT } });
  const stop = () => {
    r.node.stop();
    // Give the flush frames one event-loop turn to leave, then go.
    setTimeout(() => process.exit(0), 50);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return r.node;
}

/** Opens the router's faces (its interfaces must exist), watches carrier, starts it. */
export async function startRouter(cfg: NodeConfig, log: Logger, place: RouterPlace): Promise<RunningRouter> {
  const { within } = place;
  const fabric = fabricInterfaces(cfg).map((i) => i.name);
  const service = serviceInterfaces(cfg).map((i) => i.name);
  const names = [...fabric, ...service];
  const watcher = watchLinks(within);
  const faces: Face[] = within(() => fabric.map((n) => openFace(n)));
  const serviceFaces: Face[] = within(() => service.map((n) => openFace(n)));
  // When a neighbor's container dies its veth pair goes with it; when the lab plugs a new one in
  // under the same name, our old socket is bound to a device that no longer exists (the kernel
  // may even reuse the ifindex): open a new face first, then let the router see carrier up.
  const identity = (n: string) => {
    const st = within(() => interfaceState(n));
    return `${st.ifindex} ${Buffer.from(st.mac).toString('hex')}`;
  };
  const opened = new Map(names.map((n) => [n, identity(n)]));
  const gone = new Set<string>();
  const relay = new RelayWatcher();
  watcher.onChange((ifname, up) => {
    if (opened.has(ifname)) {
      if (!up) {
        try {
          identity(ifname);
        } catch {
          gone.add(ifname); // deleted, not just down
        }
      } else {
        try {
          const id = identity(ifname);
          if (gone.has(ifname) || id !== opened.get(ifname)) {
            const old = node.host.face(ifname) ?? serviceFaces.find((f) => f.ifname === ifname);
            const face = within(() => openFace(ifname));
            if (node.registrar?.replaceFace(face)) serviceFaces.splice(serviceFaces.findIndex((f) => f.ifname === ifname), 1, face);
            else node.host.replaceFace(face);
            opened.set(ifname, id);
            gone.delete(ifname);
            try { old?.close(); } catch { /* its device is gone already */ }
            log.info({ iface: ifname, device: id }, 'interface re-created; face reopened');
          }
        } catch (e) {
          log.warn({ iface: ifname, err: e instanceof Error ? e.message : String(e) }, 'could not reopen face');
        }
      }
    }
    relay.emit(ifname, up);
  });
  const node = new RouterNode(cfg, {
    faces, serviceFaces, watcher: relay, scheduler: realScheduler, seqStore: new FileSeqStore(place.stateDir), log, controlPath: place.controlPath,
    ...(place.proxy ? { proxy: place.proxy } : {}),
  });
  const closeFaces = () => { for (const f of [...fabric.map((n) => node.host.face(n)), ...serviceFaces]) try { f?.close(); } catch { /* gone */ } };
  try {
    await node.start();
  } catch (e) {
    // A router that cannot start (its control socket refused, say) lets go of what it opened:
    // in a shared process its sockets would keep its container's namespace alive.
    node.stop({ crash: true });
    watcher.close();
    closeFaces();
    throw e;
  }
  for (const n of fabric) if (!within(() => interfaceState(n)).up) node.host.linkChange(n, false);
  return {
    node,
    close(opts = {}) {
      node.stop(opts);
      watcher.close();
      relay.close();
      // A graceful stop's flush frames are queued: they leave at the end of this turn.
      setImmediate(closeFaces);
    },
  };
}

class RelayWatcher implements LinkWatcher {
  private handlers: ((ifname: string, up: boolean) => void)[] = [];
  onChange(h: (ifname: string, up: boolean) => void): void {
    this.handlers.push(h);
  }
  emit(ifname: string, up: boolean): void {
    for (const h of this.handlers) h(ifname, up);
  }
  close(): void {
    this.handlers = [];
  }
}

/**
 * Polls until every interface exists, 50 ms apart at first, backing off to 1 s: in a large lab
 * hundreds of routers wait here while dockerd starts the rest, and a fast poll each (an
 * exception with a listing of the interfaces per miss) took CPU the deploy itself needed.
 */
export async function waitForInterfaces(names: string[], log: Logger): Promise<void> {
  const start = Date.now();
  let lastLog = start;
  let pauseMs = 50;
  for (;;) {
    const missing = names.filter((n) => !existsSync(`/sys/class/net/${n}`) && !exists(n));
    if (missing.length === 0) return;
    if (Date.now() - lastLog >= WAIT_LOG_MS) {
      lastLog = Date.now();
      log.info({ missing, waitedS: Math.round((Date.now() - start) / 1000) }, 'waiting for the lab to plug in interfaces');
    }
    await new Promise((r) => setTimeout(r, pauseMs));
    pauseMs = Math.min(1_000, pauseMs * 2);
  }
}

/** The kernel's answer (sysfs may be missing, e.g. in a test's namespace). */
function exists(n: string): boolean {
  if (existsSync('/sys/class/net/lo')) return false; // sysfs is there and said no
  try {
    interfaceState(n);
    return true;
  } catch {
    return false;
  }
}
