/**
 * `lab graph`: a page on localhost that draws the lab and keeps it live. Link state comes from
 * each node's `ip monitor` (a change is pushed at once) and a 500 ms sweep of operstate and the
 * impairment relays (no process per sweep: sysfs through /proc/<pid>/root and unix sockets);
 * changes go to the page as Server-Sent Events, applied there by id. cytoscape.js is served
 * from the project's node_modules: nothing comes from a CDN.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { endName, formatNetemOf, labLinks, netemOf, watchLab, type Lab, type LabLink } from './lab-bridge.js';
import { CONTROL_SOCKET } from '../node/config.js';
import { controlRequest } from '../node/control-client.js';
import { LabError } from '../util/errors.js';
import { layoutNodes, linkId, type GraphLink, type GraphModel } from './graph-model.js';

export async function graphModel(lab: Lab): Promise<{ model: GraphModel; links: LabLink[]; pids: Map<string, number> }> {
  const { nodes, links, pids } = await labLinks(lab);
  const glinks: GraphLink[] = await Promise.all(links.map(async (l) => ({
    id: linkId(endName(l.a), endName(l.b)), source: l.a.node, target: l.b.node, a: endName(l.a), b: endName(l.b),
    up: l.aState === 'up' && l.bState === 'up',
    netemA: formatNetemOf(await netemOf(lab.dir, l.a)), netemB: formatNetemOf(await netemOf(lab.dir, l.b)),
  })));
  return { model: { lab: lab.name, nodes: layoutNodes(nodes.map((n) => ({ id: n.name, kind: n.kind }))), links: glinks }, links, pids };
}

export interface GraphServer { server: Server; port: number; close(): Promise<void> }

export async function serveGraph(lab: Lab, projectDir: string, port = 0): Promise<GraphServer> {
  let { model, links, pids } = await graphModel(lab);
  const clients = new Set<ServerResponse>();
  const send = (type: string, data: unknown) => {
    const msg = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(msg);
  };
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await Promise.all(model.links.map(async (g, k) => {
        const l = links[k]!;
        const st = async (node: string, iface: string) => (pids.get(node) ? await lab.ctx.net.operstate(pids.get(node)!, iface) : undefined);
        const [sa, sb, na, nb] = await Promise.all([st(l.a.node, l.a.iface), st(l.b.node, l.b.iface), netemOf(lab.dir, l.a), netemOf(lab.dir, l.b)]);
        const next = { ...g, up: sa === 'up' && sb === 'up', netemA: formatNetemOf(na), netemB: formatNetemOf(nb) };
        if (next.up !== g.up || next.netemA !== g.netemA || next.netemB !== g.netemB) {
          model.links[k] = next;
          send('link', next);
        }
      }));
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(() => void sweep(), 500);
  const pidTimer = setInterval(() => void graphModel(lab).then((r) => { links = r.links; pids = r.pids; }).catch(() => {}), 10_000);
  const watch = watchLab(lab, (e) => { if (e.type === 'link') void sweep(); }, { logs: false });

  const page = join(projectDir, 'src', 'web', 'static', 'index.html');
  const cyto = join(projectDir, 'node_modules', 'cytoscape', 'dist', 'cytoscape.min.js');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (v: unknown, code = 200) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(readFileSync(page));
    }
    if (url.pathname === '/cytoscape.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return void res.end(readFileSync(cyto));
    }
    if (url.pathname === '/api/graph') return json(model);
    if (url.pathname === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': live\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const m = /^\/api\/node\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const node = decodeURIComponent(m[1]!);
      const n = model.nodes.find((x) => x.id === node);
      if (!n) return json({ error: `no node ${node}` }, 404);
      const ifaces = model.links.filter((l) => l.source === node || l.target === node)
        .map((l) => (l.source === node ? { iface: l.a, peer: l.b, up: l.up } : { iface: l.b, peer: l.a, up: l.up }))
        .sort((x, y) => x.iface.localeCompare(y.iface, 'en', { numeric: true }));
      if (n.kind !== 'damc-sg' && n.kind !== 'damc-sr') return json({ node, kind: n.kind, links: ifaces });
      const sock = `/proc/${pids.get(node)}/root${CONTROL_SOCKET}`;
      void Promise.all([controlRequest(sock, { cmd: 'neighbors' }, 3000), controlRequest(sock, { cmd: 'fib' }, 3000)])
        .then(([neighbors, fib]) => json({ node, kind: n.kind, links: ifaces, neighbors, fib }))
        .catch((e: Error) => json({ node, kind: n.kind, links: ifaces, error: e.message }));
      return;
    }
    res.writeHead(404).end();
  });
  try {
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()); });
  } catch (e) {
    clearInterval(timer);
    clearInterval(pidTimer);
    watch.close();
    throw new LabError('GRAPH_PORT', `cannot serve the graph on 127.0.0.1:${port}: ${(e as Error).message}`, 'choose another with --port <p> (0: any free port)', { cause: e });
  }
  const addr = server.address();
  return {
    server,
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: async () => {
      clearInterval(timer);
      clearInterval(pidTimer);
      watch.close();
      for (const c of clients) c.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
