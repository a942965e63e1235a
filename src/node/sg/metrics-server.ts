/**
 * Prometheus scrape endpoint inside a node: GET /metrics on port 9464 (the exporter port
 * OpenTelemetry's Prometheus exporter uses) answers the node's text exposition.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const METRICS_PORT = 9464;

export function serveMetrics(render: () => string, port = METRICS_PORT, host?: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}
