/**
 * The node's control socket: a unix socket speaking JSON lines. Each request line
 * {"cmd": "fib", ...} gets one reply line {"ok": true, "data": …} or {"ok": false, "error": "…"}.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';

export interface ControlRequest {
  cmd: string;
  [arg: string]: unknown;
}

export type ControlHandler = (req: ControlRequest) => Promise<unknown> | unknown;

export function serveControl(path: string, handler: ControlHandler): Promise<Server> {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true }); // a socket file left by a previous run of this node
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        void answer(line).then((reply) => sock.write(JSON.stringify(reply, bigintText) + '\n'));
      }
    });
  });
  async function answer(line: string): Promise<{ ok: true; data: unknown } | { ok: false; error: string }> {
    try {
      const req = JSON.parse(line) as ControlRequest;
      if (typeof req?.cmd !== 'string') return { ok: false, error: 'request needs a "cmd" string' };
      return { ok: true, data: await handler(req) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

function bigintText(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
