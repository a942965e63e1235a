/**
 * Entry point of every DAMC node container (placeholder until the router issue lands):
 * reads /etc/damc/node.json, says what it is, and stays up so the lab can be inspected.
 */
import { readFileSync } from 'node:fs';
import { logger } from '../util/log.js';
import { NODE_CONFIG_PATH, type NodeConfig } from './config.js';

const path = process.argv[2] ?? NODE_CONFIG_PATH;
const cfg = JSON.parse(readFileSync(path, 'utf8')) as NodeConfig;
const log = logger(`node:${cfg.kind}`, { node: cfg.node });
log.info({ interfaces: cfg.interfaces.map((i) => i.name) }, 'no program for this kind yet; idling');
const keepAlive = setInterval(() => {}, 1 << 30);
const stop = () => { clearInterval(keepAlive); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
