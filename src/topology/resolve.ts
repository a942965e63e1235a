/** Raw → resolved: every check that can be made without touching the machine happens here. */
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { resolveConditions } from '../scheduling/conditions.js';
import { LabError } from '../util/errors.js';
import { DEFAULT_ADDRESSING, planPodAddresses } from './address-plan.js';
import './builtin-kinds.js';
import { lookupKind } from './kinds.js';
import { checkNetem, isEmptyNetem, parseNetem } from './netem-spec.js';
import { resolveServices } from './services.js';
import type { RawNodeDefaults, RawTopology } from './raw.js';
import {
  DEFAULT_COST, DEFAULT_MTU, DEFAULT_TIMERS,
  type ResolvedInterface, type ResolvedLink, type ResolvedNode, type ResolvedTopology,
} from './resolved.js';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_IFNAME = 15;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]+$/;

export interface ResolveOptions {
  /** Absolute path of the YAML file (relative binds are taken from its directory). */
  file?: string;
  /** Overrides `name:` (tests use unique lab names). */
  name?: string;
}

export function resolveTopology(raw: RawTopology, opts: ResolveOptions = {}): ResolvedTopology {
  const name = opts.name ?? raw.name;
  if (!NAME_RE.test(name) || name.length > 40) {
    throw new LabError('LAB_NAME_INVALID', `lab name '${name}' is not usable in container names`,
      'use letters, digits, - and _ (start with a letter or digit, at most 40 characters)');
  }
  const baseDir = opts.file ? dirname(opts.file) : process.cwd();
  const t = raw.topology;
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
      binds: (pick('binds') ?? []).map((b) => absoluteBind(b, baseDir, nodeName)),
      labels,
      cmd: cmd === undefined || podCmd ? kind.defaultCmd : typeof cmd === 'string' ? cmd.split(/\s+/).filter(Boolean) : cmd,
      services,
      serviceSpecs,
      ...(userCmd ? { userCmd } : {}),
      interfaces: [],
    });
  }

  const used = new Map<string, number>();
  const links: ResolvedLink[] = (t.links ?? []).map((rl, index) => {
    const where = `link ${index + 1} [${rl.endpoints.join(', ')}]`;
    const [ca, cb] = typeof rl.cost === 'number' ? [rl.cost, rl.cost] : rl.cost ?? [DEFAULT_COST, DEFAULT_COST];
    const link = { index, mtu: rl.mtu ?? DEFAULT_MTU } as ResolvedLink;
    const netem = Array.isArray(rl.netem) ? rl.netem : [rl.netem, rl.netem];
    const ends = rl.endpoints.map((ep, side): ResolvedInterface => {
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
      const iface: ResolvedInterface = { node, name: ifName, link, cost: side === 0 ? ca : cb };
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

  return {
    name,
    file: opts.file,
    nodes,
    links,
    timers: { ...DEFAULT_TIMERS, ...definedOnly(raw.timers ?? {}) },
    addresses: planPodAddresses(nodes.values(), { ...DEFAULT_ADDRESSING, ...definedOnly(raw.addressing ?? {}) }),
    ...(raw.scheduling ? { scheduling: { ...definedOnly({ ...raw.scheduling, conditions: undefined }), conditions: resolveConditions(definedOnly(raw.scheduling.conditions ?? {})) } } : {}),
  };
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
