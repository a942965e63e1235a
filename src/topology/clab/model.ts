/** What a containerlab-format topology adds to the resolved one (resolved.ts holds it as `clab`). */
import type { StageName } from './schema.js';

export const CLAB_DEFAULT_MTU = 9500;
export const CLAB_DEFAULT_PREFIX = 'clab';

export interface ClabMgmt {
  /** Docker network name (default `clab`). */
  network: string;
  /** Linux bridge name of that network, when the file gives one. */
  bridge: string | undefined;
  ipv4Subnet: string;
  ipv6Subnet: string;
  ipv4Range: string | undefined;
  ipv6Range: string | undefined;
  ipv4Gw: string | undefined;
  ipv6Gw: string | undefined;
  mtu: number | undefined;
  driverOpts: Record<string, string>;
}

export interface StageExec { command: string; target: 'container' | 'host'; phase: 'on-enter' | 'on-exit' }
export interface ClabStage { waitFor: { node: string; stage: StageName }[]; exec: StageExec[] }

export interface ClabHealthcheck { test: string[]; intervalS?: number; timeoutS?: number; retries?: number; startPeriodS?: number }

/** The containerlab keys of one container node, after inheritance. Strings still hold magic variables. */
export interface ClabNodeSpec {
  /** The topology gave `cmd:` (else the image's own CMD, or the kind's on the lab image). */
  cmdGiven: boolean;
  /** IfNotPresent (default), always, never. */
  imagePullPolicy: string | undefined;
  exec: string[];
  restartPolicy: string | undefined;
  networkMode: string | undefined;
  /** On the management network (linux-like nodes by default; DAMC nodes only with mgmt-ipv4/6). */
  mgmt: boolean;
  mgmtIpv4: string | undefined;
  mgmtIpv6: string | undefined;
  ports: string[];
  cpu: number | undefined;
  cpuSet: string | undefined;
  memory: string | undefined;
  shmSize: string | undefined;
  healthcheck: ClabHealthcheck | undefined;
  aliases: string[];
  dns: { servers: string[]; search: string[]; options: string[] } | undefined;
  sysctls: Record<string, string>;
  capAdd: string[];
  devices: string[];
  tmpfs: string[];
  securityOpts: string[];
  entrypoint: string[] | undefined;
  hostname: string | undefined;
  user: string | undefined;
  privileged: boolean;
  pidMode: string | undefined;
  cgroupParent: string | undefined;
  /** cgroup namespace: host or private (Docker's default). */
  cgroupnsMode: 'host' | 'private' | undefined;
  /** Docker removes the container when it exits (containerlab's auto-remove; no restart policy then). */
  autoRemove: boolean;
  startupDelayS: number;
  volumes: string[];
  stages: Partial<Record<StageName, ClabStage>>;
  certificate: { sans: string[]; keySize: number; validity: string } | undefined;
}

/** One end of a containerlab link. */
export type ClabEnd =
  | { t: 'node'; node: string; ifname: string; mac: string | undefined }
  | { t: 'ext'; container: string; ifname: string; mac: string | undefined }
  | { t: 'host'; ifname: string; mac: string | undefined }
  /** A port of a bridge: in the host namespace, or (`<bridge>|<node>`) inside node `ns`'s. */
  | { t: 'bridge'; bridge: string; ifname: string; mac: string | undefined; ns?: string }
  | { t: 'mgmt-net'; ifname: string; mac: string | undefined };

export interface ClabLink {
  /** Position in topology.links (1-based in messages). */
  index: number;
  /** Addresses per end (a, b), CIDR form: brief `ipv4: [..]`/`ipv6: [..]` or endpoint `ipv4:`/`ipv6:`. */
  addrs?: [string[], string[]];
  type: 'veth' | 'macvlan' | 'dummy';
  a: ClabEnd;
  /** The other end (veth); absent for macvlan and dummy. */
  b: ClabEnd | undefined;
  mtu: number;
  /** macvlan: the host interface it sits on, and its mode. */
  parent?: string;
  mode?: string;
  labels: Record<string, string>;
  vars: Record<string, unknown>;
}

export interface ClabLab {
  /** Container name prefix; "" means the node name alone. */
  prefix: string;
  mgmt: ClabMgmt;
  links: ClabLink[];
  /** Nodes of kind bridge (Linux bridges in the host namespace). */
  bridges: string[];
  /** Nodes of kind bridge named `<bridge>|<node>`: a bridge inside that node's namespace. */
  nodeBridges: { bridge: string; node: string }[];
  /** Nodes of kind ext-container: container name (the node name) → exec commands. */
  external: Map<string, { exec: string[] }>;
  /** Nodes of kind host (placeholders for the host namespace). */
  hostNodes: string[];
  /** settings.certificate-authority, when a node asks for a certificate. */
  ca: { keySize: number; validity: string } | undefined;
}

export function clabContainerName(prefix: string, lab: string, node: string): string {
  return prefix === '' ? node : `${prefix}-${lab}-${node}`;
}

/** The endpoints of a node (CLAB_INTFS counts them), its bridges' ports included. */
export function endpointsOf(links: ClabLink[], node: string): ClabEnd[] {
  return links.flatMap((l) => [l.a, l.b]).filter((e): e is ClabEnd => !!e && nodeOfEnd(e) === node);
}

/** The lab node whose namespace holds an end (undefined: host namespace or external container). */
export function nodeOfEnd(e: ClabEnd): string | undefined {
  return e.t === 'node' ? e.node : e.t === 'bridge' ? e.ns : undefined;
}

/** containerlab's magic variables, expanded where it expands them (binds, volumes, exec, stage exec). */
export function expandMagic(s: string, v: { labDir: string; lab: string; node: string }): string {
  return s.replaceAll('__clabNodeName__', v.node).replaceAll('__clabLabName__', v.lab)
    .replaceAll('__clabNodeDir__', `${v.labDir}/${v.node}`).replaceAll('__clabDir__', v.labDir);
}
