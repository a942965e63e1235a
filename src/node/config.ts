/**
 * The node config contract as the node programs see it: the constants and types from
 * src/config, and reading the file at start, all without loading zod (the schema is loaded
 * only for a file deploy did not stamp; src/config/node-config-file.ts).
 */
export * from '../config/node-constants.js';
export type { GatewayPodConfig, NodeConfig, NodeInterfaceConfig, NodeTimers, PodServiceConfig, ServiceTimers } from '../config/node-config.js';
export { readNodeConfig } from '../config/node-config-file.js';
