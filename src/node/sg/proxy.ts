/**
 * The SG's HTTP proxy for its pod: pods send it absolute-form requests (HTTP_PROXY), it maps
 * the URL's host to a name (src/service/target.ts), reads the body, hands the exchange to the
 * gateway and writes the answer back. Keep-alive and concurrent requests are Node's own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endToEndHeaders, type HttpRequestParts } from '../../service/http-message.js';
import { parseTarget, type Target } from '../../service/target.js';
import type { Logger } from '../../util/log.js';
import { errorAnswer, type HttpAnswer } from './pod-client.js';

/** Bodies up to 8 MiB are promised; a little more is taken, past this 413. */
export const MAX_PROXY_BODY = 16 * 1024 * 1024;

export type ForwardFn = (t: Target, req: HttpRequestParts) => Promise<HttpAnswer>;

export class ProxyServer {
  private server: Server | undefined;
  port = 0;

  constructor(private readonly forward: ForwardFn, private readonly log: Logger) {}

  listen(port: number, host?: string): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.headersTimeout = 35_000;
    server.requestTimeout = 0;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        this.port = (server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: HttpAnswer;
    const t = parseTarget(req.url ?? '', req.headers.host);
    const body = await readLimited(req, MAX_PROXY_BODY).catch(() => undefined);
    if (res.destroyed) return;
    if (!t.ok) answer = errorAnswer(req.method === 'CONNECT' ? 405 : 400, t.reason);
    else if (body === undefined) answer = errorAnswer(413, `request body over ${MAX_PROXY_BODY} bytes`);
    else {
      try {
        answer = await this.forward(t.target, { method: req.method ?? 'GET', path: t.target.path, headers: endToEndHeaders(req.rawHeaders), body });
      } catch (e) {
        this.log.error({ err: e instanceof Error ? e.stack : String(e) }, 'proxy failed');
        answer = errorAnswer(502, `gateway failed: ${(e as Error).message}`);
      }
    }
    if (res.destroyed) return; // the client went away meanwhile
    const headers = answer.headers.filter(([k]) => k.toLowerCase() !== 'content-length');
    headers.push(['content-length', String(answer.body.length)]);
    res.writeHead(answer.status >= 100 && answer.status <= 599 ? answer.status : 502, headers.flat());
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }
}

function readLimited(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= max) parts.push(c);
    });
    req.on('end', () => resolve(n > max ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
}
