/**
 * What the lab gives every node program at deploy: one JSON file, mounted read-only at
 * /etc/damc/node.json inside the container. The topology (src/topology) builds it, the lab
 * (src/lab) writes it, the node programs (src/node) read it, through `parseNodeConfig`, which
 * checks it against the schema below, so a bad file is a clear error at start, not a crash
 * later. This folder sits below both sides, so neither imports the other.
 */
import { z } from 'zod';
import { LabError } from '../util/errors.js';
import { configDigest } from './node-config-file.js';

import { NODE_KINDS } from './node-constants.js';

export { NODE_KINDS, type NodeKind } from './node-constants.js';

const positiveInt = z.number().int().positive();

export const nodeTimersSchema = z.object({
  helloIntervalMs: positiveInt,
  /** Silence after which a neighbor is declared dead; more than the hello interval. */
  deadIntervalMs: positiveInt,
  lsaLifetimeS: positiveInt,
  /** Less than the lifetime: the origin re-floods before the others forget. */
  lsaRefreshS: positiveInt,
}).refine((t) => t.deadIntervalMs > t.helloIntervalMs, { message: 'deadIntervalMs must be more than helloIntervalMs', path: ['deadIntervalMs'] })
  .refine((t) => t.lsaRefreshS < t.lsaLifetimeS, { message: 'lsaRefreshS must be less than lsaLifetimeS', path: ['lsaRefreshS'] });

export const nodeInterfaceSchema = z.object({
  /** Interface name inside this node (eth1…). */
  name: z.string().min(1),
  peerNode: z.string(),
  peerIface: z.string(),
  peerKind: z.enum(NODE_KINDS),
  /** Cost of this direction of the link (topology `cost:`, default 1). */
  cost: positiveInt,
  mtu: positiveInt,
  /** IPv4 address in CIDR form ("10.200.0.1/30"); only the two ends of a pod–SG link have one. */
  ipv4: z.string().optional(),
});

// ---- service plane, data side: what a pod serves, and what an SG knows of its pod ----
export const podServiceSchema = z.object({
  /** "B/4". */
  instance: z.string().min(1),
  app: z.enum(['echo', 'kv', 'cmd']),
  port: positiveInt,
  health: z.string(),
  delayMs: z.number().nonnegative(),
  errorRate: z.number().min(0).max(1),
});

export const gatewayPodSchema = z.object({
  node: z.string(),
  /** The pod's IPv4 address on the pod link (no prefix length). */
  address: z.string(),
  /** The SG's own address on that link, where its HTTP proxy listens. */
  gatewayAddress: z.string(),
  instances: z.array(z.object({ instance: z.string(), port: positiveInt, health: z.string() })),
});

/** Pod, SG and SPA: announcement and grant timers (the service plane's signaling). */
export const serviceTimersSchema = z.object({
  /** A pod re-announces its prefixes this often. */
  announceRefreshMs: positiveInt,
  /** An SG drops a pod's prefix this long after its last announcement (the pod died). */
  announceHoldMs: positiveInt,
  /** How long an SPA's grant is valid; the SG asks again when a third of it is left. */
  grantLifetimeS: positiveInt,
  /** An SG that hears nothing from its SPA this long after a request retries, with backoff. */
  authTimeoutMs: positiveInt,
});

/** Topology `scheduling:` (src/node/sg/sg-scheduling.ts, src/node/scsc), given to SGs and the SCSC. */
export const nodeSchedulingSchema = z.object({
  /** SG: probe period per instance (default 1 s). */
  probeIntervalMs: positiveInt.optional(),
  /** SG: with no policy, the nearest instances (default) or every instance of the pool. */
  spread: z.enum(['nearest', 'pool']).optional(),
  /** SCSC: the preset conditions (max RTT ms, loss, error rate, health). */
  conditions: z.object({
    maxRttMs: z.number().positive().optional(), maxLoss: z.number().min(0).max(1).optional(),
    maxErrorRate: z.number().min(0).max(1).optional(), health: z.boolean().optional(),
  }).optional(),
  /** SCSC: how long a pushed policy lives (default 15 s). */
  policyLifetimeMs: positiveInt.optional(),
});

export const nodeConfigSchema = z.object({
  lab: z.string(),
  node: z.string(),
  kind: z.enum(NODE_KINDS),
  /** This node's routable name, /damc/router/<node> for SG and SR. */
  routerName: z.string().startsWith('/'),
  interfaces: z.array(nodeInterfaceSchema),
  /** A pod's default gateway: its SG's address on their link ("10.200.0.1"). Absent on other nodes. */
  gateway: z.string().optional(),
  /** Service prefixes this node originates (an SG: its pods' services, e.g. /A/1, /A). */
  prefixes: z.array(z.string().startsWith('/')),
  /** This node's Ed25519 private key, PKCS#8 PEM. */
  privateKeyPem: z.string(),
  /** Trust anchors: router name -> raw 32-byte Ed25519 public key, base64. Every SG/SR of the lab. */
  trust: z.record(z.string(), z.string()),
  /** Router name -> topology node name, so tools can show `sr1` rather than /damc/router/sr1. */
  routerNodes: z.record(z.string(), z.string()),
  timers: nodeTimersSchema,
  /** Free-form per-node environment from the topology (`env:`). */
  env: z.record(z.string(), z.string()),
  /** A pod: its instances, each on its own port (built-in apps are started by the pod program). */
  podServices: z.array(podServiceSchema).optional(),
  /** A pod: the user's own program (topology `cmd:`), started as a child of the pod program. */
  podCmd: z.array(z.string()).optional(),
  /** An SG: the pods behind it (their address on the pod link and their instances' ports). */
  gatewayPods: z.array(gatewayPodSchema).optional(),
  // ---- service plane, signaling side (class 1 and 3; see src/node/sg/registrar.ts, src/node/spa/) ----
  /** Every SG and SR: the SPAs whose grants it accepts, SPA name (/damc/spa/spa1) -> raw public key, base64. */
  spaKeys: z.record(z.string(), z.string()).optional(),
  /** An SG: its pods' keys; an SPA: every pod's. Pod node name -> raw public key, base64. */
  podKeys: z.record(z.string(), z.string()).optional(),
  /** An SPA: pod node name -> the prefixes it may own (topology `policy:`, else what the topology declares). */
  spaPolicy: z.record(z.string(), z.array(z.string())).optional(),
  /** A pod: the instances its agent announces ("B/4"), as the topology declares them. */
  podInstances: z.array(z.string()).optional(),
  serviceTimers: serviceTimersSchema.optional(),
  scheduling: nodeSchedulingSchema.optional(),
  /**
   * Prefixes a router accepts without an SPA grant, prefix -> the one router name allowed to
   * originate them. The lab never sets it (the SCSC's /damc/scsc is granted by an SPA like any
   * prefix); it is for harnesses that run no SPA (scripts/bench-forward.ts).
   */
  infraPrefixes: z.record(z.string(), z.string()).optional(),
  /**
   * The SCSC: router names of the SGs that have an SPA, through which it asks an SPA for the
   * grant of /damc/scsc like any prefix (src/node/scsc/scsc-grant.ts; the SG relays, sg/spa-relay.ts).
   */
  spaVia: z.array(z.string().startsWith('/')).optional(),
  /**
   * Every SG and SR: the SCSCs whose signed policies it accepts, SCSC name (/damc/scsc/scsc) ->
   * raw public key, base64. Only these: a policy signed by any other trusted node (an SR gone
   * bad) is refused as an unknown origin. Absent: no SCSC in the lab, every policy is refused.
   */
  scscKeys: z.record(z.string(), z.string()).optional(),
  /**
   * Set by deploy: the digest of the rest of this file as deploy checked it against this
   * schema. A node whose file still matches it skips loading zod (src/config/node-config-file.ts).
   */
  validated: z.string().optional(),
});

export type NodeInterfaceConfig = z.infer<typeof nodeInterfaceSchema>;
export type NodeConfig = z.infer<typeof nodeConfigSchema>;
export type NodeTimers = z.infer<typeof nodeTimersSchema>;
export type PodServiceConfig = z.infer<typeof podServiceSchema>;
export type GatewayPodConfig = z.infer<typeof gatewayPodSchema>;
export type ServiceTimers = z.infer<typeof serviceTimersSchema>;

export { DEFAULT_SERVICE_TIMERS, NODE_CONFIG_PATH, NODE_STATE_DIR, CONTROL_SOCKET, PROXY_PORT, AGENT_SOCKET } from './node-constants.js';

/** Parses and checks a node config file's text; `where` names it in the error. */
export function parseNodeConfig(text: string, where: string): NodeConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LabError('NODE_CONFIG_INVALID', `${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`,
      'the lab writes this file at deploy: redeploy the lab (lab deploy) rather than editing it');
  }
  const r = nodeConfigSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('; ');
    throw new LabError('NODE_CONFIG_INVALID', `${where} does not describe a node: ${problems}`,
      'the lab writes this file at deploy: redeploy the lab (lab deploy) rather than editing it');
  }
  return r.data;
}

/**
 * The config deploy writes: checked against the schema here (a config the topology built
 * wrong fails deploy, naming the node), with the digest that lets the node skip the check.
 */
export function stampNodeConfig(cfg: unknown, node: string): NodeConfig {
  const r = nodeConfigSchema.safeParse(cfg);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('; ');
    throw new LabError('NODE_CONFIG_INVALID', `the node config built for ${node} does not pass its schema: ${problems}`,
      'this is a bug in the topology side (buildNodeConfigs); report it with the topology file');
  }
  const { validated: _old, ...rest } = r.data;
  return { ...rest, validated: configDigest(rest) };
}
