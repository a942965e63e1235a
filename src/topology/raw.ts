/**
 * The raw topology: exactly what the YAML says, checked for shape only. A superset of
 * containerlab's format (name, topology.defaults/kinds/nodes/links) plus DAMC's own fields:
 * `services:` on pods, per-link `cost:`, top-level `timers:` and `addressing:`.
 */
import { z } from 'zod';
import { clabLinkFields, clabMgmtSchema, clabNodeFields, clabSettingsSchema, linkEndpointsSchema } from './clab/schema.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const positiveInt = z.number().int().positive();

const nodeFields = {
  kind: z.string().optional(),
  image: z.string().optional(),
  env: z.record(z.string(), scalar).optional(),
  binds: z.array(z.string()).optional(),
  labels: z.record(z.string(), scalar).optional(),
  cmd: z.union([z.string(), z.array(z.string())]).optional(),
  /** containerlab's node keys (src/topology/clab/schema.ts). */
  ...clabNodeFields,
};

/** Fields shared by `topology.defaults`, `topology.kinds.<kind>` and nodes. */
export const rawNodeDefaultsSchema = z.strictObject(nodeFields);

/**
 * One service instance of a pod: "A/1" (built-in echo), or an object: built-in
 * `{name: "K/1", app: kv, delay: 200ms, errorRate: 0.5}`, or served by the pod's own `cmd:`
 * program `{name: "Z/9", port: 8080, health: /healthz}`.
 */
export const rawServiceSchema = z.union([z.string(), z.strictObject({
  name: z.string(),
  app: z.enum(['echo', 'kv']).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  health: z.string().optional(),
  delay: z.union([z.number().nonnegative(), z.string()]).optional(),
  errorRate: z.number().min(0).max(1).optional(),
})]);

export const rawNodeSchema = z.strictObject({
  ...nodeFields,
  /** Service instances a pod hosts, e.g. ["A/1", "B/1"] (see rawServiceSchema). */
  services: z.array(rawServiceSchema).optional(),
  /** On a damc-spa: which prefixes each pod may own, e.g. {pod5: ["/Z"]}; other pods: what they declare. */
  policy: z.record(z.string(), z.array(z.string())).optional(),
});

/** Impairments on one direction of a link (see netem-spec.ts): "20ms", "5%", "10mbit" or numbers. */
const netemValue = z.union([z.string(), z.number()]);
export const rawNetemSchema = z.strictObject({
  delay: netemValue.optional(), jitter: netemValue.optional(), loss: netemValue.optional(), rate: netemValue.optional(),
  corrupt: netemValue.optional(), duplicate: netemValue.optional(), reorder: netemValue.optional(),
});

export const rawLinkSchema = z.strictObject({
  /** Brief ["a:eth1", "b:eth1"] or containerlab's extended endpoint objects (absent for one-ended types). */
  endpoints: linkEndpointsSchema.optional(),
  ...clabLinkFields,
  mtu: z.number().int().min(68).max(65535).optional(),
  /** One number for both directions, or [cost a→b, cost b→a]. */
  cost: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).optional(),
  /** Impairments: one set for both directions, or [leaving a, leaving b] (null: none that way). */
  netem: z.union([rawNetemSchema, z.tuple([rawNetemSchema.nullable(), rawNetemSchema.nullable()])]).optional(),
});

export const rawTimersSchema = z.strictObject({
  helloIntervalMs: positiveInt.optional(),
  deadIntervalMs: positiveInt.optional(),
  lsaLifetimeS: positiveInt.optional(),
  lsaRefreshS: positiveInt.optional(),
  // The service plane's signaling (src/topology/service-timers.ts).
  announceRefreshMs: positiveInt.optional(),
  announceHoldMs: positiveInt.optional(),
  grantLifetimeS: positiveInt.optional(),
  authTimeoutMs: positiveInt.optional(),
});

/** The pod address plan (ranges are checked in address-plan.ts, with errors that say the fix). */
export const rawAddressingSchema = z.strictObject({
  podPool: z.string().optional(),
  podPrefixLength: z.number().int().optional(),
});

/** Measurement and scheduling (SGs and the SCSC): the no-policy spread, periods, the SCSC's preset conditions. */
export const rawSchedulingSchema = z.strictObject({
  spread: z.enum(['nearest', 'pool']).optional(),
  probeIntervalMs: positiveInt.optional(),
  policyLifetimeMs: positiveInt.optional(),
  conditions: z.strictObject({
    maxRttMs: z.number().optional(),
    maxLoss: z.number().optional(),
    maxErrorRate: z.number().optional(),
    health: z.boolean().optional(),
  }).optional(),
});

export const rawTopologySchema = z.strictObject({
  name: z.string(),
  scheduling: rawSchedulingSchema.optional(),
  /** Where routers run: their own containers' processes, or shared ones (src/topology/hosting.ts). */
  hosting: z.enum(['auto', 'container', 'shared']).optional(),
  timers: rawTimersSchema.optional(),
  addressing: rawAddressingSchema.optional(),
  /** containerlab: container names <prefix>-<lab>-<node>; "" gives <node>. */
  prefix: z.string().optional(),
  mgmt: clabMgmtSchema.optional(),
  settings: clabSettingsSchema.optional(),
  debug: z.boolean().optional(),
  topology: z.strictObject({
    defaults: rawNodeDefaultsSchema.optional(),
    kinds: z.record(z.string(), rawNodeDefaultsSchema).optional(),
    groups: z.record(z.string(), rawNodeDefaultsSchema).optional(),
    nodes: z.record(z.string(), rawNodeSchema.nullable()),
    links: z.array(rawLinkSchema).nullable().optional(),
  }),
});

export type RawNode = z.infer<typeof rawNodeSchema>;
export type RawService = z.infer<typeof rawServiceSchema>;
export type RawNodeDefaults = z.infer<typeof rawNodeDefaultsSchema>;
export type RawLink = z.infer<typeof rawLinkSchema>;
export type RawTimers = z.infer<typeof rawTimersSchema>;
export type RawAddressing = z.infer<typeof rawAddressingSchema>;
export type RawTopology = z.infer<typeof rawTopologySchema>;
