/**
 * The node config contract's constants, in a module without zod: the node programs import
 * these at start, and loading zod costs each of hundreds of router processes ~0.1 s of CPU
 * (src/config/node-config-file.ts says when the schema is still checked).
 */
import type { ServiceTimers } from './node-config.js';

export const NODE_KINDS = ['damc-sg', 'damc-sr', 'damc-spa', 'damc-scsc', 'damc-pod', 'linux'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const DEFAULT_SERVICE_TIMERS: ServiceTimers = { announceRefreshMs: 2_000, announceHoldMs: 7_000, grantLifetimeS: 600, authTimeoutMs: 1_000 };

export const NODE_CONFIG_PATH = '/etc/damc/node.json';
/** Survives container restarts (it is in the container's own filesystem): sequence numbers. */
export const NODE_STATE_DIR = '/var/lib/damc';
/** The control socket the in-node tool talks to. */
export const CONTROL_SOCKET = '/run/damc/control.sock';
/** The SG's HTTP proxy port on its pod-link address (pods get HTTP_PROXY=http://<gateway>:3128). */
export const PROXY_PORT = 3128;
/** The pod announcement agent's control socket (its view, and starting/stopping an announced instance). */
export const AGENT_SOCKET = '/run/damc/agent.sock';

