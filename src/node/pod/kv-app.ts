/**
 * The built-in `kv` app: a small key-value store in memory.
 *   GET /kv            list of keys          PUT|POST /kv/<key>  store the body (201 new, 200 replaced)
 *   GET /kv/<key>      the value or 404      DELETE /kv/<key>    204, or 404
 */
import { json, type App } from './app.js';

const MAX_KEYS = 10_000;

export function kvApp(instance: string): App {
  const store = new Map<string, Buffer>();
  return (req) => {
    const who = { 'x-damc-instance': instance };
    const path = req.path.split('?')[0] ?? '';
    if (path === '/healthz') return json(200, { ok: true, instance, keys: store.size }, who);
    if (path === '/kv' || path === '/kv/') {
      if (req.method !== 'GET') return json(405, { error: 'only GET on /kv', instance }, who);
      return json(200, { instance, keys: [...store.keys()].sort() }, who);
    }
    if (!path.startsWith('/kv/')) return json(404, { error: `no such path ${path}: use /kv/<key>`, instance }, who);
    const key = decodeURIComponent(path.slice(4));
    switch (req.method) {
      case 'GET': {
        const v = store.get(key);
        return v ? { status: 200, headers: { 'content-type': 'application/octet-stream', ...who }, body: v } : json(404, { error: `no key ${key}`, instance }, who);
      }
      case 'PUT': case 'POST': {
        const had = store.has(key);
        if (!had && store.size >= MAX_KEYS) return json(507, { error: `store is full (${MAX_KEYS} keys)`, instance }, who);
        store.set(key, req.body);
        return json(had ? 200 : 201, { instance, key, bytes: req.body.length }, who);
      }
      case 'DELETE':
        return store.delete(key) ? { status: 204, headers: who, body: Buffer.alloc(0) } : json(404, { error: `no key ${key}`, instance }, who);
      default:
        return json(405, { error: `method ${req.method} not allowed`, instance }, who);
    }
  };
}
