/**
 * The serving SG's side of the pod link: picks the local instance a name means (the exact one
 * for /B/4, one of the pod's B instances in turn for the pool /B) and calls its HTTP server.
 */
import { Agent, request } from 'node:http';
import type { HttpRequestParts } from '../../service/http-message.js';
import { endToEndHeaders } from '../../service/http-message.js';
import type { Name } from '../../wire/name.js';
import type { GatewayPodConfig } from '../config.js';

export interface HttpAnswer {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export interface LocalInstance {
  instance: string;
  pod: string;
  address: string;
  port: number;
}

export function errorAnswer(status: number, message: string, extra: [string, string][] = []): HttpAnswer {
  return { status, headers: [['content-type', 'text/plain; charset=utf-8'], ['x-damc-error', message.replace(/[^\x20-\x7e]/g, '?')], ...extra], body: Buffer.from(`${message}\n`) };
}

export class PodClient {
  private readonly byService = new Map<string, LocalInstance[]>();
  private readonly byInstance = new Map<string, LocalInstance>();
  private readonly turn = new Map<string, number>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });

  constructor(pods: readonly GatewayPodConfig[], private readonly timeoutMs = 25_000, private readonly maxBody = 16 * 1024 * 1024) {
    for (const p of pods) {
      for (const i of p.instances) {
        const li = { instance: i.instance, pod: p.node, address: p.address, port: i.port };
        this.byInstance.set(`/${i.instance}`, li);
        const svc = `/${i.instance.split('/')[0]}`;
        this.byService.set(svc, [...(this.byService.get(svc) ?? []), li]);
      }
    }
  }

  /** The local instance for a routed name, or why there is none. */
  pick(name: Name): LocalInstance | string {
    const key = name.key;
    if (name.length === 2) return this.byInstance.get(key) ?? `no instance ${key.slice(1)} behind this gateway`;
    if (name.length !== 1) return `${key} is neither a service (/B) nor an instance (/B/4)`;
    const list = this.byService.get(key);
    if (!list?.length) return `no instance of service ${key.slice(1)} behind this gateway`;
    const k = this.turn.get(key) ?? 0;
    this.turn.set(key, k + 1);
    return list[k % list.length]!;
  }

  get instances(): LocalInstance[] {
    return [...this.byInstance.values()];
  }

  call(to: LocalInstance, req: HttpRequestParts, retried = false): Promise<HttpAnswer> {
    return new Promise((resolve) => {
      const headers = req.headers.filter(([k]) => k.toLowerCase() !== 'content-length');
      if (req.body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method)) headers.push(['content-length', String(req.body.length)]);
      const r = request({ host: to.address, port: to.port, method: req.method, path: req.path, headers: headers.flat(), agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const parts: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n <= this.maxBody) parts.push(c);
        });
        res.on('end', () => resolve(n > this.maxBody
          ? errorAnswer(502, `instance ${to.instance} answered more than ${this.maxBody} bytes`)
          : { status: res.statusCode ?? 502, headers: endToEndHeaders(res.rawHeaders), body: Buffer.concat(parts) }));
        res.on('error', (e) => resolve(errorAnswer(502, `instance ${to.instance} (${to.pod}:${to.port}) broke off its answer: ${e.message}`)));
      });
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server had just closed: once more on a fresh one.
        if (!retried && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && r.reusedSocket) return void this.call(to, req, true).then(resolve);
        if (e.message === 'timeout') return resolve(errorAnswer(504, `instance ${to.instance} (${to.pod}:${to.port}) gave no answer within ${this.timeoutMs} ms`));
        resolve(errorAnswer(502, `instance ${to.instance} (${to.pod}:${to.port}) is unreachable: ${e.code ?? e.message}`));
      });
      r.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
