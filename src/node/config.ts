/**
 * What the lab gives every node program at deploy: one JSON file, mounted read-only at
 * /etc/damc/node.json inside the container. The orchestrator (src/lab) writes it; the node
 * programs (src/node) read it. Keep both sides in step through this type.
 */
export type NodeKind = 'damc-sg' | 'damc-sr' | 'damc-spa' | 'damc-scsc' | 'damc-pod' | 'linux';

export interface NodeInterfaceConfig {
  /** Interface name inside this node (eth1…). */
  name: string;
  peerNode: string;
  peerIface: string;
  peerKind: NodeKind;
  /** Cost of this direction of the link (topology `cost:`, default 1). */
  cost: number;
  mtu: number;
  /** IPv4 address in CIDR form ("10.200.0.1/30"); only the two ends of a pod–SG link have one. */
  ipv4?: string;
}

export interface NodeConfig {
  lab: string;
  node: string;
  kind: NodeKind;
  /** This node's routable name, /damc/router/<node> for SG and SR. */
  routerName: string;
  interfaces: NodeInterfaceConfig[];
  /** A pod's default gateway: its SG's address on their link ("10.200.0.1"). Absent on other nodes. */
  gateway?: string;
  /** Service prefixes this node originates (an SG: its pods' services, e.g. /A/1, /A). */
  prefixes: string[];
  /** This node's Ed25519 private key, PKCS#8 PEM. */
  privateKeyPem: string;
  /** Trust anchors: router name -> raw 32-byte Ed25519 public key, base64. Every SG/SR of the lab. */
  trust: Record<string, string>;
  /** Router name -> topology node name, so tools can show `sr1` rather than /damc/router/sr1. */
  routerNodes: Record<string, string>;
  timers: {
    helloIntervalMs: number;
    deadIntervalMs: number;
    lsaLifetimeS: number;
    lsaRefreshS: number;
  };
  /** Free-form per-node environment from the topology (`env:`). */
  env: Record<string, string>;
  // ---- service plane, data side: what a pod serves, and what an SG knows of its pod ----
  /** A pod: its instances, each on its own port (built-in apps are started by the pod program). */
  podServices?: PodServiceConfig[];
  /** A pod: the user's own program (topology `cmd:`), started as a child of the pod program. */
  podCmd?: string[];
  /** An SG: the pods behind it (their address on the pod link and their instances' ports). */
  gatewayPods?: GatewayPodConfig[];
  // ---- scheduling (src/node/sg/sg-scheduling.ts, src/node/scsc): topology `scheduling:` ----
  scheduling?: {
    /** SG: probe period per instance (default 1 s). */
    probeIntervalMs?: number;
    /** SG: with no policy, the nearest instances (default) or every instance of the pool. */
    spread?: 'nearest' | 'pool';
    /** SCSC: the preset conditions (max RTT ms, loss, error rate, health). */
    conditions?: { maxRttMs?: number; maxLoss?: number; maxErrorRate?: number; health?: boolean };
    /** SCSC: how long a pushed policy lives (default 15 s). */
    policyLifetimeMs?: number;
  };
}

export interface PodServiceConfig {
  /** "B/4". */
  instance: string;
  app: 'echo' | 'kv' | 'cmd';
  port: number;
  health: string;
  delayMs: number;
  errorRate: number;
}

export interface GatewayPodConfig {
  node: string;
  /** The pod's IPv4 address on the pod link (no prefix length). */
  address: string;
  /** The SG's own address on that link, where its HTTP proxy listens. */
  gatewayAddress: string;
  instances: { instance: string; port: number; health: string }[];
}

export const NODE_CONFIG_PATH = '/etc/damc/node.json';
/** Survives container restarts (it is in the container's own filesystem): sequence numbers. */
export const NODE_STATE_DIR = '/var/lib/damc';
/** The control socket the in-node tool talks to. */
export const CONTROL_SOCKET = '/run/damc/control.sock';
/** The SG's HTTP proxy port on its pod-link address (pods get HTTP_PROXY=http://<gateway>:3128). */
export const PROXY_PORT = 3128;
