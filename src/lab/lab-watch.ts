/**
 * The live sources behind `lab watch` and the graph page: each node's `docker logs -f` (the
 * routers' JSON lines) and `ip -ts -o monitor link` inside each node's namespace (one small
 * process per node, like containerlab's netlink subscription per netns). Events go to the
 * callback as they arrive, unordered; EventMerger orders them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import Docker from 'dockerode';
import { DEFAULT_DOCKER_SOCKET, DockerRuntime } from './docker-runtime.js';
import { parseMonitorLine, parseRouterLine, type LinkSnapshot, type WatchEvent } from './events.js';
import type { Lab } from './lab.js';
import { LABEL_IFACES, LABEL_NODE } from './labels.js';

export interface LabWatch { close(): void; /** resolves once every source is attached */ ready: Promise<void> }

export function watchLab(lab: Lab, onEvent: (e: WatchEvent) => void, o: { logs?: boolean } = {}): LabWatch {
  const procs: ChildProcess[] = [];
  const streams: Readable[] = [];
  const snap: LinkSnapshot = new Map();
  let closed = false;
  const socketPath = lab.ctx.runtime instanceof DockerRuntime ? lab.ctx.runtime.socketPath : DEFAULT_DOCKER_SOCKET;
  const docker = new Docker({ socketPath });
  const since = Date.now();

  const ready = (async () => {
    await lab.ctx.runtime.ping();
    const cs = (await lab.ctx.runtime.list({ 'damc.lab': lab.name })).filter((c) => c.state === 'running');
    await Promise.all(cs.map(async (c) => {
      const node = c.labels[LABEL_NODE] ?? c.name;
      const ifaces = new Set(Object.keys(JSON.parse(c.labels[LABEL_IFACES] ?? '{}') as Record<string, string>));
      const info = await lab.ctx.runtime.inspect(c.id);
      if (closed || info.pid <= 0) return;
      const mon = spawn('nsenter', ['-t', String(info.pid), '-n', 'ip', '-ts', '-o', 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
      procs.push(mon);
      mon.on('error', () => {});
      createInterface({ input: mon.stdout! }).on('line', (l) => {
        const e = parseMonitorLine(node, l, ifaces, snap);
        if (e) onEvent(e);
      });
      if (o.logs === false) return;
      const raw = (await docker.getContainer(c.id).logs({ follow: true, stdout: true, stderr: true, timestamps: true, since: Math.floor(since / 1000) })) as unknown as Readable;
      if (closed) return void raw.destroy();
      streams.push(raw);
      const out = new PassThrough();
      docker.modem.demuxStream(raw, out, out);
      raw.on('end', () => out.end());
      createInterface({ input: out }).on('line', (l) => {
        const e = parseRouterLine(node, l);
        if (e && e.time >= since) onEvent(e);
      });
    }));
  })();
  return {
    ready,
    close() {
      closed = true;
      for (const p of procs) p.kill();
      for (const s of streams) s.destroy();
    },
  };
}
