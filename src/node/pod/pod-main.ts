/**
 * The pod program: starts the pod's built-in instances (one HTTP server and port each), starts
 * the user's own program (`cmd:`) as its child so the pod program keeps running beside it,
 * and serves a control socket for `lab service set|ls` (knobs of built-in instances).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:net';
import type { Logger } from '../../util/log.js';
import type { NodeConfig } from '../config.js';
import { serveControl, type ControlRequest } from '../control-server.js';
import { InstanceServer } from './instance-server.js';
import { checkKnobs } from './knobs.js';

/** The pod program's control socket (the router's is /run/damc/control.sock). */
export const POD_CONTROL_SOCKET = '/run/damc/pod.sock';

export interface PodView {
  instance: string;
  app: string;
  port: number;
  delayMs: number;
  errorRate: number;
  served?: number;
}

export class Pod {
  private readonly builtins = new Map<string, InstanceServer>();
  private child: ChildProcess | undefined;
  private childExited = false;
  private downListener: ((instances: string[]) => void) | undefined;
  private control: Server | undefined;

  constructor(private readonly cfg: NodeConfig, private readonly log: Logger) {}

  async start(controlPath: string | undefined = POD_CONTROL_SOCKET): Promise<void> {
    for (const s of this.cfg.podServices ?? []) {
      if (s.app === 'cmd') continue;
      const srv = new InstanceServer(s, this.cfg.node, this.log);
      await srv.listen();
      this.builtins.set(s.instance, srv);
      this.log.info({ instance: s.instance, app: s.app, port: s.port, delayMs: s.delayMs, errorRate: s.errorRate }, `instance ${s.instance} (${s.app}) listening on ${s.port}`);
    }
    if (this.cfg.podCmd?.length) this.startChild(this.cfg.podCmd);
    if (controlPath) this.control = await serveControl(controlPath, (req) => this.handle(req));
  }

  private startChild(cmd: string[]): void {
    const [file, ...args] = cmd;
    const child = spawn(file!, args, { stdio: 'inherit', env: process.env });
    this.child = child;
    this.log.info({ cmd, pid: child.pid }, 'user program started');
    child.on('error', (e) => this.log.error({ cmd, err: e.message }, `user program could not start: ${e.message}`));
    child.on('exit', (code, signal) => {
      this.log.warn({ cmd, code, signal, instances: this.cmdInstances() }, 'user program exited: its instances are down');
      this.childExited = true;
      this.downListener?.(this.cmdInstances());
    });
  }

  /** The instances the user's program serves (topology objects with a port and no app). */
  private cmdInstances(): string[] {
    return (this.cfg.podServices ?? []).filter((s) => s.app === 'cmd').map((s) => s.instance);
  }

  /**
   * Tells `f` which instances stopped serving (the user's program exited), so the announcement
   * agent withdraws them; at once if that has happened already.
   */
  onInstancesDown(f: (instances: string[]) => void): void {
    this.downListener = f;
    if (this.childExited) f(this.cmdInstances());
  }

  handle(req: ControlRequest): unknown {
    switch (req.cmd) {
      case 'services':
        return this.views();
      case 'service-set': {
        const name = String(req.instance ?? '');
        const srv = this.builtins.get(name);
        if (!srv) {
          const cmdOnes = (this.cfg.podServices ?? []).filter((s) => s.app === 'cmd').map((s) => s.instance);
          throw new Error(cmdOnes.includes(name)
            ? `instance ${name} is served by the pod's own program; knobs apply to built-in instances`
            : `no instance ${name} in pod ${this.cfg.node}; instances: ${[...this.builtins.keys()].join(', ') || 'none'}`);
        }
        const k = { ...(req.delayMs !== undefined ? { delayMs: Number(req.delayMs) } : {}), ...(req.errorRate !== undefined ? { errorRate: Number(req.errorRate) } : {}) };
        checkKnobs(k);
        Object.assign(srv.knobs, k);
        this.log.info({ instance: name, ...srv.knobs }, 'knobs set');
        return this.views().find((v) => v.instance === name);
      }
      default:
        throw new Error(`unknown command "${req.cmd}"; commands: services, service-set`);
    }
  }

  /** Built-in instance -> the port it listens on. */
  boundPorts(): Map<string, number> {
    return new Map([...this.builtins].map(([k, v]) => [k, v.boundPort]));
  }

  views(): PodView[] {
    return (this.cfg.podServices ?? []).map((s) => {
      const b = this.builtins.get(s.instance);
      return { instance: s.instance, app: s.app, port: s.port, delayMs: b?.knobs.delayMs ?? 0, errorRate: b?.knobs.errorRate ?? 0, ...(b ? { served: b.served } : {}) };
    });
  }

  stop(): void {
    for (const s of this.builtins.values()) s.close();
    this.control?.close();
    this.child?.kill('SIGTERM');
  }
}

export async function runPod(cfg: NodeConfig, log: Logger): Promise<Pod> {
  const pod = new Pod(cfg, log);
  await pod.start();
  const stop = () => {
    pod.stop();
    setTimeout(() => process.exit(0), 50);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return pod;
}
