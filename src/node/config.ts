/**
 * The node config contract now lives in src/config (below both topology and node); this
 * re-export keeps existing imports working.
 */
export * from '../config/node-config.js';
