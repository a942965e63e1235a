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
}

export interface DestroyReport {
  lab: string;
  removed: string[];
  seconds: number;
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
  interfaces: InterfaceStatus[];
  /** A router's timers (hello/dead ms, LSA lifetime/refresh s), as deployed. */
  timers?: { helloIntervalMs: number; deadIntervalMs: number; lsaLifetimeS: number; lsaRefreshS: number };
}
