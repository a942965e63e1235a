/** What the verbs return: plain data, printed by the CLI and asserted by tests. */
export interface DeployReport {
  lab: string;
  /** The lab was already up: nothing was changed. */
  alreadyUp: boolean;
  nodes: { node: string; kind: string; container: string }[];
  links: string[];
  image: string | undefined;
  labDir: string;
  seconds: number;
  /** Seconds per phase: image, configs, create, start, veths (host batch), up (namespace batches), ready (until every end reports UP). */
  phases: Record<string, number>;
  /** containerlab files, --image-fallback: nodes that run on the lab image instead of their own. */
  substitutions?: { node: string; image: string; with: string }[];
  /** containerlab files: every exec and stage exec that ran, with its output. */
  execs?: ExecResult[];
  /** containerlab files: nodes whose container stopped right after start (kept, without links). */
  exited?: string[];
  /** containerlab files: how this machine differs from what the file asks (printed at deploy). */
  notes?: string[];
}

export interface ExecResult {
  node: string;
  /** "exec", or "<stage> on-enter|on-exit [(host)]". */
  where: string;
  command: string;
  exitCode: number;
  output: string;
}

export interface DestroyReport {
  lab: string;
  removed: string[];
  seconds: number;
  /** What could not be removed (containerlab labs: network, bridge or host interface still in use). */
  left?: string[];
}

export interface InterfaceStatus {
  name: string;
  /** "node:iface" at the other end, from the container's labels. */
  peer: string;
  /** operstate read inside the container (UP, DOWN, LOWERLAYERDOWN…), or "absent". */
  state: string;
  mtu: number | undefined;
  /** IPv4 address(es) read inside the container, CIDR form, comma-separated; absent when none. */
  ipv4?: string;
}

export interface NodeStatus {
  lab: string;
  node: string;
  kind: string;
  container: string;
  state: string;
  image: string;
  pid: number;
  /** Container id and management addresses (containerlab's inspect columns). */
  id?: string;
  /** The container belongs to a containerlab-format lab. */
  clab?: boolean;
  ipv4?: string;
  ipv6?: string;
  interfaces: InterfaceStatus[];
  /** Its router runs in this shared router process of the lab (`hosting: shared`). */
  pool?: string;
  /** A router's timers (hello/dead ms, LSA lifetime/refresh s), as deployed. */
  timers?: { helloIntervalMs: number; deadIntervalMs: number; lsaLifetimeS: number; lsaRefreshS: number };
}
