/** The resolved topology: validated, defaults merged, endpoints pointing at node objects. */
import type { Hosting } from './hosting.js';
import type { ServiceTimers } from '../config/index.js';
import type { AddressPlan } from './address-plan.js';
import type { ClabLab, ClabNodeSpec } from './clab/model.js';
import type { KindSpec } from './kinds.js';
import type { NetemSettings } from './netem-spec.js';
import type { ResolvedService } from './services.js';

export interface Timers {
  helloIntervalMs: number;
  deadIntervalMs: number;
  lsaLifetimeS: number;
  lsaRefreshS: number;
}

export const DEFAULT_TIMERS: Timers = { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 };
export const DEFAULT_MTU = 9000;
export const DEFAULT_COST = 1;

export interface ResolvedNode {
  name: string;
  kind: KindSpec;
  /** undefined: the lab's own node image (built on demand). */
  image: string | undefined;
  env: Record<string, string>;
  /** Docker bind strings with absolute host paths. */
  binds: string[];
  labels: Record<string, string>;
  cmd: string[];
  /** Instance names ("A/1"); serviceSpecs says how each is served. */
  services: string[];
  serviceSpecs: ResolvedService[];
  /** A pod's own program (topology `cmd:`), started by the pod program beside its services. */
  userCmd?: string[];
  /** A damc-spa's explicit policy: pod -> prefixes it may own (pods not listed: what they declare). */
  policy?: Record<string, string[]>;
  interfaces: ResolvedInterface[];
  /** containerlab node keys, for nodes of a containerlab-format file. */
  clab?: ClabNodeSpec;
}

export interface ResolvedInterface {
  node: ResolvedNode;
  name: string;
  link: ResolvedLink;
  /** Cost of sending out of this interface. */
  cost: number;
  /** Impairments on frames leaving this interface (the YAML's per-link netem:), if any. */
  netem?: NetemSettings;
  /** MAC address the topology gives this end (containerlab `mac:`). */
  mac?: string;
}

export interface ResolvedLink {
  /** Position in topology.links (for messages). */
  index: number;
  a: ResolvedInterface;
  b: ResolvedInterface;
  mtu: number;
}

export interface ResolvedTopology {
  name: string;
  /** Absolute path of the YAML file, when it came from one. */
  file: string | undefined;
  nodes: Map<string, ResolvedNode>;
  links: ResolvedLink[];
  timers: Timers;
  /** Where the routers run (src/topology/hosting.ts). */
  hosting: Hosting;
  /** Announcement and grant timers of pods, SGs and SPAs. */
  serviceTimers: ServiceTimers;
  /** IPv4 subnets of the pod–SG links (fabric links have none). */
  addresses: AddressPlan;
  /** What a containerlab-format file adds (src/topology/clab/model.ts); absent for DAMC files. */
  clab?: ClabLab;
  /** The `scheduling:` stanza, conditions checked and completed (given to SGs and the SCSC). */
  scheduling?: {
    spread?: 'nearest' | 'pool';
    probeIntervalMs?: number;
    policyLifetimeMs?: number;
    conditions: { maxRttMs?: number; maxLoss?: number; maxErrorRate?: number; health: boolean };
  };
}

export function peerOf(i: ResolvedInterface): ResolvedInterface {
  return i.link.a === i ? i.link.b : i.link.a;
}
