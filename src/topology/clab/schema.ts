/**
 * The containerlab keys of the raw schema (see clab.schema.json and containerlab's reader).
 * raw.ts spreads these into its strict objects, so an unknown key is still an error with its
 * line and column; keys we read but cannot apply here are refused in resolve-clab.ts with why.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const str = z.union([z.string(), z.number()]).transform(String);
const strList = z.array(str);

export const stageNames = ['create', 'create-links', 'configure', 'healthy', 'exit'] as const;
export type StageName = typeof stageNames[number];

const stageExecItem = z.strictObject({
  command: z.string(),
  target: z.enum(['container', 'host']).optional(),
  phase: z.enum(['on-enter', 'on-exit']),
});
const stageSchema = z.strictObject({
  'wait-for': z.array(z.strictObject({ node: z.string(), stage: z.enum(stageNames).optional() })).optional(),
  exec: z.union([
    z.array(stageExecItem),
    z.strictObject({ 'on-enter': z.array(z.string()).optional(), 'on-exit': z.array(z.string()).optional() }),
  ]).optional(),
});

export const healthcheckSchema = z.strictObject({
  test: z.array(z.string()).optional(),
  interval: z.number().optional(),
  retries: z.number().int().optional(),
  timeout: z.number().optional(),
  'start-period': z.number().optional(),
});

/** Node keys beyond DAMC's own (kind, image, env, binds, labels, cmd). */
export const clabNodeFields = {
  group: z.string().optional(),
  'restart-policy': z.string().optional(),
  'image-pull-policy': z.string().optional(),
  'startup-delay': z.number().int().nonnegative().optional(),
  exec: strList.optional(),
  volumes: z.array(z.string()).optional(),
  ports: strList.optional(),
  'env-files': z.array(z.string()).optional(),
  user: str.optional(),
  hostname: z.string().optional(),
  entrypoint: z.string().optional(),
  'mgmt-ipv4': z.string().optional(),
  'mgmt-ipv6': z.string().optional(),
  'network-mode': z.string().optional(),
  cpu: z.number().positive().optional(),
  'cpu-set': str.optional(),
  memory: str.optional(),
  'shm-size': str.optional(),
  stages: z.strictObject(Object.fromEntries(stageNames.map((s) => [s, stageSchema.optional()])) as Record<StageName, z.ZodOptional<typeof stageSchema>>).optional(),
  dns: z.strictObject({ servers: strList.optional(), search: strList.optional(), options: strList.optional() }).optional(),
  certificate: z.strictObject({
    issue: z.boolean().optional(), sans: strList.optional(), 'key-size': z.number().int().optional(), 'validity-duration': z.string().optional(),
  }).optional(),
  healthcheck: healthcheckSchema.optional(),
  aliases: strList.optional(),
  'cap-add': z.array(z.string()).optional(),
  privileged: z.boolean().optional(),
  tmpfs: z.array(z.string()).optional(),
  devices: z.array(z.string()).optional(),
  sysctls: z.record(z.string(), scalar).optional(),
  'security-opts': z.array(z.string()).optional(),
  'pid-mode': z.string().optional(),
  'cgroupns-mode': z.enum(['host', 'private']).optional(),
  'cgroup-parent': z.string().optional(),
  'auto-remove': z.boolean().optional(),
  runtime: z.string().optional(),
  // Keys containerlab knows that cannot apply to the kinds here: read, then refused by name.
  license: z.string().optional(),
  type: str.optional(),
  'startup-config': z.string().optional(),
  'enforce-startup-config': z.boolean().optional(),
  'suppress-startup-config': z.boolean().optional(),
  'link-apply-mode': z.string().optional(),
  credentials: z.unknown().optional(),
  extras: z.unknown().optional(),
  config: z.unknown().optional(),
  components: z.unknown().optional(),
};

export const clabMgmtSchema = z.strictObject({
  network: z.string().optional(),
  bridge: z.string().optional(),
  'ipv4-subnet': z.string().optional(),
  'ipv6-subnet': z.string().optional(),
  'ipv4-gw': z.string().optional(),
  'ipv6-gw': z.string().optional(),
  'ipv4-range': z.string().optional(),
  'ipv6-range': z.string().optional(),
  mtu: z.number().int().optional(),
  'external-access': z.boolean().optional(),
  'skip-when-unused': z.boolean().optional(),
  'driver-opts': z.record(z.string(), z.string()).optional(),
});

export const clabSettingsSchema = z.strictObject({
  'certificate-authority': z.strictObject({
    cert: z.string().optional(), key: z.string().optional(),
    'key-size': z.number().int().optional(), 'validity-duration': z.string().optional(),
  }).optional(),
});

export const clabEndpointSchema = z.strictObject({
  node: z.string(),
  interface: z.string().optional(),
  mac: z.string().optional(),
  ipv4: z.string().optional(),
  ipv6: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
});

/** Link keys beyond DAMC's (endpoints as strings, mtu, cost): the extended form and its types. */
export const clabLinkFields = {
  type: z.enum(['veth', 'host', 'mgmt-net', 'macvlan', 'dummy', 'vxlan', 'vxlan-stitch', 'veth-stitch']).optional(),
  endpoint: clabEndpointSchema.optional(),
  'host-interface': z.string().optional(),
  mode: z.string().optional(),
  remote: z.string().optional(),
  vni: z.number().int().optional(),
  'dst-port': z.number().int().optional(),
  'src-port': z.number().int().optional(),
  ipv4: z.array(z.string()).optional(),
  ipv6: z.array(z.string()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  labels: z.record(z.string(), scalar).optional(),
};

/** Brief form ["a:eth1", "b:eth1"], or the extended form's endpoint objects. */
export const linkEndpointsSchema = z.union([
  z.tuple([z.string(), z.string()]),
  z.tuple([clabEndpointSchema, clabEndpointSchema]),
]);

export type ClabEndpointRaw = z.infer<typeof clabEndpointSchema>;
export type StageRaw = z.infer<typeof stageSchema>;
