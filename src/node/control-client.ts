/** Sends one request to a node's control socket and returns the reply's data. */
import { connect } from 'node:net';
import { LabError } from '../util/errors.js';
import type { ControlRequest } from './control-server.js';

export function controlRequest(path: string, req: ControlRequest, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new LabError('CONTROL_TIMEOUT', `no answer on ${path} to "${req.cmd}" within ${timeoutMs} ms`, 'is the router busy or stuck? see `docker logs` of the node'));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      clearTimeout(timer);
      sock.end();
      const reply = JSON.parse(buf.slice(0, i)) as { ok: boolean; data?: unknown; error?: string };
      if (reply.ok) resolve(reply.data);
      else reject(new LabError('CONTROL_ERROR', `"${req.cmd}" failed: ${reply.error}`));
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new LabError('CONTROL_UNREACHABLE', `cannot reach the router's control socket ${path} (${e.code ?? e.message})`,
        'the router program is not running in this node (only damc-sg and damc-sr run it), or it has not started yet'));
    });
  });
}
