export { ScscNode, SCSC_TICK_MS } from './scsc-node.js';
export { PolicyReceiver } from './policy-receiver.js';
export { policyName, SCSC_PREFIX } from './names.js';
