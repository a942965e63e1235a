/** One built-in instance: an HTTP server on its own port running echo or kv behind its knobs. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from '../../util/log.js';
import type { PodServiceConfig } from '../config.js';
import type { App } from './app.js';
import { echoApp } from './echo-app.js';
import { kvApp } from './kv-app.js';
import { withKnobs, type Knobs } from './knobs.js';

/** Bodies larger than this get 413 (the service plane carries up to 8 MiB). */
export const MAX_BODY = 16 * 1024 * 1024;

export class InstanceServer {
  readonly knobs: Knobs;
  private server: Server | undefined;
  private readonly app: App;
  served = 0;
  /** The port actually bound (spec.port, or the one the system chose for port 0). */
  boundPort = 0;

  constructor(readonly spec: PodServiceConfig, pod: string, private readonly log: Logger) {
    this.knobs = { delayMs: spec.delayMs, errorRate: spec.errorRate };
    this.app = spec.app === 'kv' ? kvApp(spec.instance) : echoApp(spec.instance, pod);
  }

  async listen(host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => {
      void readBody(req).then(async (body) => {
        if (body === undefined) {
          res.writeHead(413, { 'content-type': 'text/plain' }).end(`body larger than ${MAX_BODY} bytes\n`);
          return;
        }
        const r = await withKnobs(this.app, this.knobs, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body }, this.spec.instance);
        this.served++;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) }).end(r.body);
      }).catch((e: unknown) => {
        this.log.warn({ instance: this.spec.instance, err: e instanceof Error ? e.message : String(e) }, 'request failed');
        res.destroy();
      });
    });
    // Longer than the SG's idle keep-alive, so the SG never reuses a socket we are closing.
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.spec.port, host, () => resolve());
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.spec.port;
    return this.boundPort;
  }

  close(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }
}

export function readBody(req: IncomingMessage, max = MAX_BODY): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) over = true;
      else parts.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
}
