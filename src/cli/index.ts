export { ctxOf, labOf, labForNode, type GlobalOptions } from './common.js';
export { statusTable, deploySummary, table } from './format.js';
