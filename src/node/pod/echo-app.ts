/**
 * The built-in `echo` app: answers with what it was asked (method, path, headers, body) and
 * which instance answered. `/raw…` paths answer with the request body itself, byte for byte
 * (large bodies, hashes compared by the sender), the instance named in a header.
 */
import { createHash } from 'node:crypto';
import { json, type App } from './app.js';

export function echoApp(instance: string, pod: string): App {
  return (req) => {
    const who = { 'x-damc-instance': instance, 'x-damc-pod': pod };
    if (req.path === '/healthz') return json(200, { ok: true, instance }, who);
    if (req.path.startsWith('/raw')) {
      return { status: 200, headers: { 'content-type': 'application/octet-stream', ...who }, body: req.body };
    }
    return json(200, {
      instance, pod, method: req.method, path: req.path, headers: req.headers,
      body: req.body.toString('utf8'), bodyBytes: req.body.length,
      bodySha256: createHash('sha256').update(req.body).digest('hex'),
    }, who);
  };
}
