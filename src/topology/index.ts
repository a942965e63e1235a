export { kindNames, lookupKind, registerKind, type KindSpec } from './kinds.js';
export { PROJECT_MOUNT } from './builtin-kinds.js';
export { parseTopology, readTopologyFile } from './parse.js';
export { resolveTopology, MAX_IFNAME, type ResolveOptions } from './resolve.js';
export { loadTopology, type LoadOptions } from './load.js';
export * from './clab/index.js';
export { hostable, planHosting, HOSTING_MODES, type Hosting, type HostingMode } from './hosting.js';
export { scaledTimers, resolveTimers, SMALL_LAB } from './timers.js';
export {
  DEFAULT_COST, DEFAULT_MTU, DEFAULT_TIMERS, peerOf,
  type ResolvedInterface, type ResolvedLink, type ResolvedNode, type ResolvedTopology, type Timers,
} from './resolved.js';
export { buildNodeConfigs, generateEd25519, prefixesOf, routerNameOf, type NodeKey } from './node-configs.js';
export { generateTopology, topologyToYaml, SHAPES, type GenerateOptions, type Shape } from './generate.js';
export {
  DEFAULT_ADDRESSING, MAX_POD_PREFIX, gatewayOf, interfaceAddress, planPodAddresses,
  type AddressPlan, type Addressing, type PodLinkAddresses,
} from './address-plan.js';
export type { RawTopology, RawNode, RawLink, RawAddressing } from './raw.js';
export { checkNetem, formatNetem, isEmptyNetem, mergeNetem, parseNetem, NETEM_FIELDS, type NetemInput, type NetemSettings } from './netem-spec.js';
export { parseDuration, resolveServices, FIRST_BUILTIN_PORT, type ResolvedService, type ServiceApp } from './services.js';
export { proxyEnv } from './service-config.js';
