/** The kinds this lab knows. DAMC kinds all start the node program; it reads its role from its config. */
import { fileURLToPath } from 'node:url';
import { registerKind } from './kinds.js';
import { nodeEntry } from './node-program.js';

/** The built project is bind-mounted here in every node (read-only). */
export const PROJECT_MOUNT = '/opt/damc';
/** The bundle when it is fresh, else the compiled modules (node-program.ts); dist is the same in the node. */
export const NODE_ENTRY = `${PROJECT_MOUNT}/dist/${nodeEntry(fileURLToPath(new URL('../../', import.meta.url)))}`;
const nodeProgram = ['node', NODE_ENTRY];
/**
 * Routers run many to a machine, so V8 is told to stay small: a 1 MB young generation (the
 * router allocates little per packet) and one background compiler thread. Both cost no
 * measurable speed (scripts/bench-router-rss, scripts/bench-spf); see README "Memory".
 */
const routerProgram = ['node', '--max-semi-space-size=1', '--v8-pool-size=1', NODE_ENTRY];

registerKind({ name: 'damc-sg', description: 'Service Gateway (router with pods)', router: true, defaultCmd: routerProgram });
registerKind({ name: 'damc-sr', description: 'Service Router', router: true, defaultCmd: routerProgram });
registerKind({ name: 'damc-spa', description: 'Service Prefix Authentication', router: false, defaultCmd: nodeProgram });
registerKind({ name: 'damc-scsc', description: 'Service Mesh Communication Scheduling Center', router: false, defaultCmd: nodeProgram });
registerKind({ name: 'damc-pod', description: 'pod of microservice instances', router: false, defaultCmd: nodeProgram });
registerKind({ name: 'linux', description: 'plain container that sleeps', router: false, defaultCmd: ['sleep', 'infinity'] });
