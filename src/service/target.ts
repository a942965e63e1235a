/**
 * Proxy URL -> DAMC name. `http://B/echo` is the pool /B (any instance of service B);
 * `http://4.B/echo` is instance /B/4 exactly (the documented spelling: instance, dot,
 * service). The path travels inside the request, not in the name, so a path can never be
 * mistaken for an instance (`http://B/4` is path /4 of the pool).
 */
import { Name } from '../wire/name.js';

export interface Target {
  /** The routed name: /B or /B/4. */
  name: Name;
  service: string;
  /** Present when one instance was named. */
  instance?: string;
  /** Path and query for the instance's server ("/echo?x=1"). */
  path: string;
  /** The host as the client wrote it (for the Host header). */
  host: string;
}

const LABEL = /^[A-Za-z0-9_-]+$/;

export type TargetResult = { ok: true; target: Target } | { ok: false; reason: string };

/** From a proxy request line's absolute URL ("http://4.B/echo"); origin-form needs a Host header. */
export function parseTarget(url: string, hostHeader?: string): TargetResult {
  let hostPort: string;
  let path: string;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(url);
  if (m) {
    if (m[1]!.toLowerCase() !== 'http') return { ok: false, reason: `scheme ${m[1]} is not carried; use http://` };
    hostPort = m[2]!;
    path = m[3] || '/';
  } else if (url.startsWith('/') && hostHeader) {
    hostPort = hostHeader;
    path = url;
  } else {
    return { ok: false, reason: `'${url}' is not an absolute http:// URL (is HTTP_PROXY set for this client?)` };
  }
  if (path.startsWith('?')) path = `/${path}`;
  const host = hostPort.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const labels = host.split('.');
  if (labels.some((l) => !LABEL.test(l)) || labels.length > 2) {
    return { ok: false, reason: `host '${host}' is not a service name: write http://<service>/… for the pool or http://<instance>.<service>/… for one instance` };
  }
  if (labels.length === 1) return { ok: true, target: { name: Name.parse(`/${labels[0]}`), service: labels[0]!, path, host } };
  const [instance, service] = labels as [string, string];
  return { ok: true, target: { name: Name.parse(`/${service}/${instance}`), service, instance, path, host } };
}
