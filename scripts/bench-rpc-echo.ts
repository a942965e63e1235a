/**
 * The server of scripts/bench-rpc's direct and sidecar paths: answers every request with its
 * own body (200), keep-alive, on the address and port given. Prints {"reply":"listening"} once
 * it listens. Usage: node bench-rpc-echo.js <host> <port>
 */
import { createServer } from 'node:http';

const [host = '0.0.0.0', port = '8080'] = process.argv.slice(2);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), host, () => process.stdout.write(JSON.stringify({ reply: 'listening' }) + '\n'));
