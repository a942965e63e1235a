/**
 * An HTTP exchange as the bytes a Request/Response carries: a 4-byte big-endian head length,
 * the head as JSON (method, path, headers; a response's status is the packet's Status field),
 * then the body as is. Hop-by-hop headers never cross (they belong to one connection).
 */
export interface HttpRequestParts {
  method: string;
  path: string;
  headers: [string, string][];
  body: Uint8Array;
}

export interface HttpResponseParts {
  headers: [string, string][];
  body: Uint8Array;
}

const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'content-length']);

/** Header pairs from Node's rawHeaders, without hop-by-hop ones (and those Connection names). */
export function endToEndHeaders(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') for (const t of raw[i + 1]!.split(',')) named.add(t.trim().toLowerCase());
  }
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(k) && !named.has(k)) out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

export function encodeHttpRequest(r: HttpRequestParts): Uint8Array {
  return frame({ m: r.method, p: r.path, h: r.headers }, r.body);
}

export function encodeHttpResponse(r: HttpResponseParts): Uint8Array {
  return frame({ h: r.headers }, r.body);
}

export class HttpMessageError extends Error {}

export function decodeHttpRequest(b: Uint8Array): HttpRequestParts {
  const { head, body } = unframe(b);
  if (typeof head.m !== 'string' || typeof head.p !== 'string' || !/^[A-Z]+$/.test(head.m) || !head.p.startsWith('/')) {
    throw new HttpMessageError('request head lacks a method or path');
  }
  return { method: head.m, path: head.p, headers: headersOf(head.h), body };
}

export function decodeHttpResponse(b: Uint8Array): HttpResponseParts {
  const { head, body } = unframe(b);
  return { headers: headersOf(head.h), body };
}

function frame(head: unknown, body: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(head));
  const out = Buffer.allocUnsafe(4 + h.length + body.length);
  out.writeUInt32BE(h.length, 0);
  h.copy(out, 4);
  out.set(body, 4 + h.length);
  return out;
}

function unframe(b: Uint8Array): { head: Record<string, unknown>; body: Uint8Array } {
  if (b.length < 4) throw new HttpMessageError(`message of ${b.length} bytes has no head`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const n = buf.readUInt32BE(0);
  if (4 + n > b.length) throw new HttpMessageError(`head of ${n} bytes overruns a ${b.length}-byte message`);
  let head: unknown;
  try {
    head = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
  } catch {
    throw new HttpMessageError('head is not JSON');
  }
  if (typeof head !== 'object' || head === null) throw new HttpMessageError('head is not an object');
  return { head: head as Record<string, unknown>, body: b.subarray(4 + n) };
}

function headersOf(h: unknown): [string, string][] {
  if (!Array.isArray(h) || !h.every((x) => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string')) {
    throw new HttpMessageError('headers are not [name, value] pairs');
  }
  return h as [string, string][];
}
