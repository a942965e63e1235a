/** Raw → resolved: every check that can be made without touching the machine happens here. */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { resolveConditions } from '../scheduling/conditions.js';
import { LabError } from '../util/errors.js';
import { DEFAULT_ADDRESSING, planPodAddresses } from './address-plan.js';
import './builtin-kinds.js';
import { lookupKind } from './kinds.js';
import { checkNetem, isEmptyNetem, parseNetem } from './netem-spec.js';
import { resolveServices } from './services.js';
import { flattenClab, isClabTopology, type ClabFlat } from './clab/resolve-clab.js';
import { CLAB_DEFAULT_MTU } from './clab/model.js';
import type { RawLink, RawNodeDefaults, RawTopology } from './raw.js';
import {
  DEFAULT_COST, DEFAULT_MTU,
  type ResolvedInterface, type ResolvedLink, type ResolvedNode, type ResolvedTopology,
} from './resolved.js';
import { resolveTimers } from './timers.js';
import { planHosting } from './hosting.js';
import { availableParallelism } from 'node:os';
import { resolveServiceTimers } from './service-timers.js';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_IFNAME = 15;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]+$/;

export interface ResolveOptions {
  /** Absolute path of the YAML file (relative binds are taken from its directory). */
  file?: string;
  /** Overrides `name:` (tests use unique lab names). */
  name?: string;
  /** The environment `__IMPORT_ENVS` imports (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Shared router processes for `hosting: shared` (default: this machine's cores). */
  processes?: number;
}

export function resolveTopology(raw: RawTopology, opts: ResolveOptions = {}): ResolvedTopology {
  const name = opts.name ?? raw.name;
  if (!NAME_RE.test(name) || name.length > 40) {
    throw new LabError('LAB_NAME_INVALID', `lab name '${name}' is not usable in container names`,
      'use letters, digits, - and _ (start with a letter or digit, at most 40 characters)');
  }
  const baseDir = opts.file ? dirname(opts.file) : process.cwd();
  // containerlab files: inheritance, env-files and link forms first, then the common checks.
  const flat: ClabFlat | undefined = isClabTopology(raw, opts.file)
    ? flattenClab(raw, { baseDir, lab: name, env: opts.env ?? process.env }) : undefined;
  const t: RawTopology['topology'] = flat ? { nodes: flat.nodes } : raw.topology;
  const nodes = new Map<string, ResolvedNode>();
  for (const [nodeName, rawNode] of Object.entries(t.nodes)) {
    if (!NAME_RE.test(nodeName) || nodeName.length > 63) {
      throw new LabError('NODE_NAME_INVALID', `node name '${nodeName}' is not a valid host name`,
        'use letters, digits, - and _ (start with a letter or digit, at most 63 characters)');
    }
    const n = rawNode ?? {};
    const kindName = n.kind ?? t.defaults?.kind;
    if (!kindName) {
      throw new LabError('NODE_KIND_MISSING', `node ${nodeName} has no kind`,
        'add `kind: damc-sr` (or another kind) to the node or to topology.defaults');
    }
    const kind = lookupKind(kindName, `node ${nodeName}`);
    const layers: RawNodeDefaults[] = [t.defaults ?? {}, t.kinds?.[kind.name] ?? {}, n];
    const pick = <K extends keyof RawNodeDefaults>(k: K): RawNodeDefaults[K] =>
      layers.reduce<RawNodeDefaults[K]>((acc, l) => (l[k] !== undefined ? l[k] : acc), undefined);
    const env: Record<string, string> = {};
    const labels: Record<string, string> = {};
    for (const l of layers) {
      for (const [k, v] of Object.entries(l.env ?? {})) env[k] = String(v);
      for (const [k, v] of Object.entries(l.labels ?? {})) labels[k] = String(v);
    }
    const cmd = pick('cmd');
    const rawServices = n.services ?? [];
    if (rawServices.length > 0 && kind.name !== 'damc-pod') {
      throw new LabError('SERVICE_NOT_ON_POD', `node ${nodeName}: only damc-pod nodes declare services`,
        `move services: to a damc-pod node linked to this ${kind.name}`);
    }
    if (n.policy !== undefined && kind.name !== 'damc-spa') {
      throw new LabError('POLICY_NOT_ON_SPA', `node ${nodeName}: only damc-spa nodes have a policy`,
        `move policy: to the damc-spa node that authenticates this lab's prefixes`);
    }
    for (const [pod, ps] of Object.entries(n.policy ?? {})) {
      for (const p of ps) {
        if (!/^(\/[^/\s]+)+$/.test(p)) {
          throw new LabError('POLICY_INVALID', `node ${nodeName}: policy for ${pod}: '${p}' is not a prefix like /Z or /Z/9`,
            'write prefixes with a leading slash, e.g. policy: {pod5: ["/Z"]}');
        }
      }
    }
    // A pod's cmd: is the user's program, started by the pod program (which keeps running).
    const podCmd = kind.name === 'damc-pod' && cmd !== undefined && !pick('image');
    const userCmd = podCmd ? (typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd) : undefined;
    const serviceSpecs = resolveServices(nodeName, rawServices, userCmd !== undefined);
    const services = serviceSpecs.map((s) => s.instance);
    nodes.set(nodeName, {
      name: nodeName,
      kind,
      image: pick('image'),
      env,
      binds: flat ? (pick('binds') ?? []) : (pick('binds') ?? []).map((b) => absoluteBind(b, baseDir, nodeName)),
      labels,
      cmd: cmd === undefined || podCmd ? kind.defaultCmd : typeof cmd === 'string' ? cmd.split(/\s+/).filter(Boolean) : cmd,
      services,
      serviceSpecs,
      ...(userCmd ? { userCmd } : {}),
      ...(n.policy ? { policy: n.policy } : {}),
      interfaces: [],
      ...(flat ? { clab: flat.specs.get(nodeName)! } : {}),
    });
  }

  const used = new Map<string, number>();
  const links: ResolvedLink[] = nodeLinks(raw.topology.links ?? [], flat).map(({ rl, index, endpoints, macs }) => {
    const where = `link ${index + 1} [${endpoints.join(', ')}]`;
    const [ca, cb] = typeof rl.cost === 'number' ? [rl.cost, rl.cost] : rl.cost ?? [DEFAULT_COST, DEFAULT_COST];
    const link = { index, mtu: rl.mtu ?? (flat ? CLAB_DEFAULT_MTU : DEFAULT_MTU) } as ResolvedLink;
    const netem = Array.isArray(rl.netem) ? rl.netem : [rl.netem, rl.netem];
    const ends = endpoints.map((ep, side): ResolvedInterface => {
      const m = /^([^:]*):(.*)$/.exec(ep);
      if (!m) {
        throw new LabError('LINK_ENDPOINT_INVALID', `${where}: endpoint '${ep}' is not <node>:<interface>`,
          'write endpoints like "sr1:eth1"');
      }
      const [, nodeName = '', ifName = ''] = m;
      const node = nodes.get(nodeName);
      if (!node) {
        throw new LabError('LINK_UNKNOWN_NODE', `${where}: endpoint '${ep}' names no such node '${nodeName}'`,
          `nodes are: ${[...nodes.keys()].join(', ')}`);
      }
      if (ifName.length > MAX_IFNAME) {
        throw new LabError('IFACE_NAME_TOO_LONG',
          `${where}: interface name '${ifName}' is ${ifName.length} characters; Linux allows at most ${MAX_IFNAME}`,
          'use a shorter name such as eth1');
      }
      if (!IFNAME_RE.test(ifName) || ifName === 'lo' || ifName === '.' || ifName === '..') {
        throw new LabError('LINK_UNKNOWN_INTERFACE', `${where}: '${ifName}' is not a usable interface name on node ${nodeName}`,
          'name interfaces like eth1, eth2 (letters, digits, _ . -; not lo)');
      }
      const key = `${nodeName}:${ifName}`;
      const prev = used.get(key);
      if (prev !== undefined) {
        throw new LabError('IFACE_USED_TWICE', `${where}: interface ${key} is already used by link ${prev + 1}`,
          `give ${nodeName} another interface, e.g. ${nodeName}:eth${node.interfaces.length + 1 + side}`);
      }
      used.set(key, index);
      const mac = macs[side];
      const iface: ResolvedInterface = { node, name: ifName, link, cost: side === 0 ? ca : cb, ...(mac ? { mac } : {}) };
      const ne = netem[side] ? checkNetem(parseNetem(netem[side], `${where} netem (leaving ${ep})`), `${where} netem`) : undefined;
      if (!isEmptyNetem(ne)) iface.netem = ne;
      node.interfaces.push(iface);
      return iface;
    });
    link.a = ends[0]!;
    link.b = ends[1]!;
    return link;
  });

  for (const n of nodes.values()) {
    if (n.kind.name !== 'damc-pod') continue;
    const sgs = n.interfaces.filter((i) => peerKind(i) === 'damc-sg');
    // Several SGs would mean several default gateways; a pod with no SG gets no address.
    if ((n.services.length > 0 || sgs.length > 1) && sgs.length !== 1) {
      throw new LabError('POD_GATEWAY', `pod ${n.name} is linked to ${sgs.length} service gateways; it needs exactly one`,
        'link the pod to one damc-sg node (the draft: one pod linked to one service gateway)');
    }
  }

  for (const n of nodes.values()) {
    for (const pod of Object.keys(n.policy ?? {})) {
      if (nodes.get(pod)?.kind.name !== 'damc-pod') {
        const pods = [...nodes.values()].filter((x) => x.kind.name === 'damc-pod').map((x) => x.name);
        throw new LabError('POLICY_UNKNOWN_POD', `node ${n.name}: policy names '${pod}', which is not a damc-pod`, `pods are: ${pods.join(', ') || 'none'}`);
      }
    }
  }

  return {
    name,
    file: opts.file,
    ...(flat ? { clab: flat.clab } : {}),
    nodes,
    links,
    timers: resolveTimers(raw.timers, [...nodes.values()].filter((n) => n.kind.router).length),
    serviceTimers: resolveServiceTimers(raw.timers),
    hosting: planHosting(raw.hosting, nodes.values(), opts.processes ?? availableParallelism()),
    addresses: planPodAddresses(nodes.values(), { ...DEFAULT_ADDRESSING, ...definedOnly(raw.addressing ?? {}) }),
    ...(raw.scheduling ? { scheduling: { ...definedOnly({ ...raw.scheduling, conditions: undefined }), conditions: resolveConditions(definedOnly(raw.scheduling.conditions ?? {})) } } : {}),
  };
}

/**
 * The links between two container nodes, as "node:interface" pairs: all links of a DAMC file;
 * of a containerlab file, its veths between container nodes (host, bridge, mgmt-net, macvlan,
 * dummy and external-container ends live in topology.clab.links only).
 */
function nodeLinks(raw: RawLink[], flat: ClabFlat | undefined): { rl: RawLink; index: number; endpoints: [string, string]; macs: (string | undefined)[] }[] {
  if (!flat) {
    return raw.map((rl, index) => {
      const eps = rl.endpoints;
      if (!eps || typeof eps[0] !== 'string' || typeof eps[1] !== 'string') {
        throw new LabError('LINK_ENDPOINT_INVALID', `link ${index + 1}: endpoints must be two "node:interface" strings`, 'write endpoints like ["sr1:eth1", "sr2:eth1"]');
      }
      return { rl, index, endpoints: [eps[0], eps[1]], macs: [] };
    });
  }
  return flat.clab.links.flatMap((l) => {
    const { a, b } = l;
    if (l.type !== 'veth' || a.t !== 'node' || b?.t !== 'node') return [];
    return [{ rl: raw[l.index]!, index: l.index, endpoints: [`${a.node}:${a.ifname}`, `${b.node}:${b.ifname}`] as [string, string], macs: [a.mac, b.mac] }];
  });
}

function peerKind(i: ResolvedInterface): string {
  return (i.link.a === i ? i.link.b : i.link.a).node.kind.name;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function absoluteBind(bind: string, baseDir: string, node: string): string {
  const parts = bind.split(':');
  const host = parts[0] ?? '';
  if (parts.length < 2 || !host || !parts[1]?.startsWith('/')) {
    throw new LabError('BIND_INVALID', `node ${node}: bind '${bind}' is not <host path>:<container path>[:ro]`,
      'write binds like "./data:/data:ro"');
  }
  parts[0] = isAbsolute(host) ? host : resolvePath(baseDir, host);
  return parts.join(':');
}
