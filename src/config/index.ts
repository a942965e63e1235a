/** Contracts shared by the lab side (topology, lab) and the node programs (node). */
export * from './node-config.js';
