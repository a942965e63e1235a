/**
 * A containerlab-format topology → the flat node list the common resolver takes, plus what
 * only containerlab files have (ClabLab, and a ClabNodeSpec per container node).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { LabError } from '../../util/errors.js';
import type { RawLink, RawNode, RawNodeDefaults, RawTopology } from '../raw.js';
import { inheritNode } from './inherit.js';
import { normalizeLinks, type EndKind } from './links.js';
import {
  CLAB_DEFAULT_PREFIX, endpointsOf, type ClabLab, type ClabMgmt, type ClabNodeSpec, type ClabStage, type StageExec,
} from './model.js';
import { stageNames, type StageRaw } from './schema.js';
import { shellWords } from './shell-words.js';

/** Top-level or node keys only containerlab files use: their presence makes a file one. */
const CLAB_TOP_KEYS = ['prefix', 'mgmt', 'settings', 'debug'] as const;
const DAMC_NODE_KEYS = new Set(['kind', 'image', 'env', 'binds', 'labels', 'cmd', 'services', 'policy']);
const SPECIAL_KINDS: Record<string, EndKind> = { bridge: 'bridge', 'ovs-bridge': 'bridge', host: 'host', 'ext-container': 'ext' };

/**
 * containerlab format: a *.clab.y(a)ml name; any key, kind or link form only containerlab has;
 * or no damc-* kind with an `image:` somewhere. Otherwise a DAMC topology (prefix damc, MTU
 * 9000, no management network).
 */
export function isClabTopology(raw: RawTopology, file: string | undefined): boolean {
  if (file && /\.clab\.ya?ml$/.test(file)) return true;
  if (CLAB_TOP_KEYS.some((k) => raw[k] !== undefined)) return true;
  const t = raw.topology;
  if (t.groups) return true;
  const layers: RawNodeDefaults[] = [t.defaults ?? {}, ...Object.values(t.kinds ?? {}), ...Object.values(t.nodes).map((n) => n ?? {})];
  if (layers.some((l) => Object.keys(l).some((k) => !DAMC_NODE_KEYS.has(k)))) return true;
  if (layers.some((l) => l.kind !== undefined && l.kind in SPECIAL_KINDS)) return true;
  if ((t.links ?? []).some((l) => l.type !== undefined || l.endpoint !== undefined ||
    (l.endpoints ?? []).some((e) => typeof e !== 'string' || /^(host|mgmt-net|macvlan):/.test(e)))) return true;
  // A file with no DAMC kind whose nodes name images is a containerlab lab (DAMC's own
  // topologies use damc-* kinds, or image-less linux boxes).
  const kinds = layers.map((l) => l.kind).filter((k): k is string => k !== undefined);
  return !kinds.some((k) => k.startsWith('damc-')) && layers.some((l) => l.image !== undefined);
}

export interface ClabFlat {
  /** Container nodes (linux, damc-*), inheritance applied, `kind` set. */
  nodes: Record<string, RawNode>;
  specs: Map<string, ClabNodeSpec>;
  /** cmd as containerlab splits it, for nodes that give one. */
  cmds: Map<string, string[]>;
  clab: ClabLab;
}

export interface ClabResolveOptions {
  baseDir: string;
  lab: string;
  env: Readonly<Record<string, string | undefined>>;
}

export function flattenClab(raw: RawTopology, o: ClabResolveOptions): ClabFlat {
  const t = raw.topology;
  const nodes: Record<string, RawNode> = {};
  const specs = new Map<string, ClabNodeSpec>();
  const cmds = new Map<string, string[]>();
  const endKinds = new Map<string, EndKind>();
  const bridges: string[] = [];
  const nodeBridges: { bridge: string; node: string }[] = [];
  const hostNodes: string[] = [];
  const external = new Map<string, { exec: string[] }>();
  const inherited = new Map<string, RawNodeDefaults>();
  for (const name of Object.keys(t.nodes)) {
    const { node, kind } = inheritNode(t, name);
    if (!kind) {
      throw new LabError('NODE_KIND_MISSING', `node ${name} has no kind`,
        'add `kind: linux` (or another kind) to the node, its group, or topology.defaults');
    }
    refuseInapplicable(name, kind, node);
    const special = SPECIAL_KINDS[kind];
    if (special) {
      endKinds.set(name, special);
      if (special === 'bridge' && name.includes('|')) nodeBridges.push({ bridge: name.slice(0, name.indexOf('|')), node: name.slice(name.indexOf('|') + 1) });
      else if (special === 'bridge') bridges.push(name);
      else if (special === 'host') hostNodes.push(name);
      else external.set(name, { exec: node.exec ?? [] });
      continue;
    }
    endKinds.set(name, 'container');
    inherited.set(name, node);
  }
  const rawLinks: RawLink[] = t.links ?? [];
  const links = normalizeLinks(rawLinks, (n) => endKinds.get(n), [...endKinds.keys()]);

  for (const [name, node] of inherited) {
    const damc = node.kind!.startsWith('damc-');
    const env: Record<string, string> = {};
    for (const f of node['env-files'] ?? []) Object.assign(env, readEnvFile(resolvePath(o.baseDir, f), name));
    const own = Object.fromEntries(Object.entries(node.env ?? {}).map(([k, v]) => [k, String(v)]));
    if (own.__IMPORT_ENVS === 'true') {
      delete own.__IMPORT_ENVS;
      for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
    }
    Object.assign(env, own);
    if (node.kind === 'linux') env.CLAB_INTFS = String(endpointsOf(links, name).length);
    const where = `node ${name}`;
    if (typeof node.cmd === 'string') cmds.set(name, shellWords(node.cmd, `${where}: cmd`));
    else if (node.cmd) cmds.set(name, node.cmd);
    const { services, policy } = (t.nodes[name] ?? {}) as RawNode;
    nodes[name] = {
      kind: node.kind,
      ...(node.image !== undefined ? { image: node.image } : {}),
      env,
      binds: (node.binds ?? []).map((b) => clabBind(b, o.baseDir, name)),
      ...(node.labels ? { labels: node.labels } : {}),
      ...(cmds.has(name) ? { cmd: cmds.get(name)! } : {}),
      ...(services ? { services } : {}),
      ...(policy ? { policy } : {}),
    };
    specs.set(name, nodeSpec(name, node, damc, o));
  }
  checkStages(specs, new Set(endKinds.keys()));
  for (const b of nodeBridges) {
    if (!specs.has(b.node)) {
      throw new LabError('CLAB_BRIDGE_NODE', `bridge node '${b.bridge}|${b.node}' names no container node '${b.node}'`,
        `a bridge inside a node is written <bridge>|<node>; container nodes are: ${[...specs.keys()].join(', ')}`);
    }
  }

  const m = raw.mgmt ?? {};
  const mgmt: ClabMgmt = {
    network: m.network ?? 'clab',
    bridge: m.bridge,
    ipv4Subnet: m['ipv4-subnet'] ?? '172.20.20.0/24',
    ipv6Subnet: m['ipv6-subnet'] ?? '3fff:172:20:20::/64',
    ipv4Range: m['ipv4-range'], ipv6Range: m['ipv6-range'], ipv4Gw: m['ipv4-gw'], ipv6Gw: m['ipv6-gw'], mtu: m.mtu,
    driverOpts: m['driver-opts'] ?? {},
  };
  for (const [name, s] of specs) checkMgmtAddress(name, s, mgmt);
  const caRaw = raw.settings?.['certificate-authority'];
  if (caRaw?.cert || caRaw?.key) {
    throw new LabError('CLAB_UNSUPPORTED_KEY', 'settings.certificate-authority.cert/key: an external CA is not supported',
      'drop cert/key and the lab generates its own CA (key-size and validity-duration are honoured)');
  }
  const clab: ClabLab = {
    prefix: raw.prefix ?? CLAB_DEFAULT_PREFIX,
    mgmt,
    links,
    bridges,
    nodeBridges,
    external,
    hostNodes,
    ca: [...specs.values()].some((s) => s.certificate)
      ? { keySize: caRaw?.['key-size'] ?? 2048, validity: caRaw?.['validity-duration'] ?? '87600h' } : undefined,
  };
  return { nodes, specs, cmds, clab };
}

/** What cannot apply here is refused with the key and the reason, never silently dropped. */
function refuseInapplicable(name: string, kind: string, n: RawNodeDefaults): void {
  const refuse = (key: string, why: string, hint: string): never => {
    throw new LabError('CLAB_UNSUPPORTED_KEY', `node ${name} (kind ${kind}): \`${key}\` cannot apply here: ${why}`, hint);
  };
  if (n.license !== undefined) refuse('license', 'a license file is for vendor network OS images, and the kinds here (linux, bridge, host, ext-container, damc-*) run none', 'remove license:');
  for (const k of ['startup-config', 'enforce-startup-config', 'suppress-startup-config'] as const) {
    if (n[k] !== undefined) refuse(k, 'a startup configuration is loaded by a vendor NOS at boot; linux-like nodes have no such step', 'configure the node with exec: or binds: instead');
  }
  for (const k of ['credentials', 'extras', 'config', 'components'] as const) {
    if (n[k] !== undefined) refuse(k, 'it configures vendor kinds (SR OS, SR Linux, …) that this lab does not have', `remove ${k}:`);
  }
  if (n['link-apply-mode'] !== undefined) refuse('link-apply-mode', 'it applies to VM-based vendor kinds only', 'remove link-apply-mode:');
  if (n.runtime !== undefined && n.runtime !== 'docker') refuse('runtime', `runtime '${n.runtime}': this lab runs on Docker only`, 'remove runtime: or set it to docker');
  if (n.type !== undefined && !(kind in SPECIAL_KINDS) && kind !== 'linux') {
    refuse('type', 'node types select vendor hardware variants', 'remove type:');
  }
  if (!(kind in SPECIAL_KINDS) && kind !== 'linux' && !kind.startsWith('damc-')) {
    throw new LabError('UNKNOWN_KIND', `node ${name}: kind '${kind}' is not available here`,
      'the kinds here are linux, bridge, host, ext-container and damc-sg, damc-sr, damc-spa, damc-scsc, damc-pod; ' +
      'vendor kinds need their network OS image and its kind-specific setup, which this lab does not have');
  }
}

function nodeSpec(name: string, n: RawNodeDefaults, damc: boolean, o: ClabResolveOptions): ClabNodeSpec {
  const stages: ClabNodeSpec['stages'] = {};
  for (const s of stageNames) {
    const st = n.stages?.[s];
    if (st) stages[s] = stage(st);
  }
  const hc = n.healthcheck;
  const cert = n.certificate;
  if (n['auto-remove'] && n['restart-policy'] !== undefined && n['restart-policy'] !== 'no') {
    throw new LabError('CLAB_CONFLICT', `node ${name}: auto-remove and restart-policy: ${n['restart-policy']} both given; Docker removes an auto-removed container instead of restarting it`,
      'keep one: drop restart-policy, or set auto-remove: false');
  }
  return {
    cmdGiven: n.cmd !== undefined,
    imagePullPolicy: n['image-pull-policy'],
    exec: n.exec ?? [],
    // auto-remove replaces restarting (Docker refuses both); linux nodes restart always by default.
    restartPolicy: n['restart-policy'] ?? (n.kind === 'linux' && !n['auto-remove'] ? 'always' : undefined),
    networkMode: n['network-mode'],
    mgmt: damc ? n['mgmt-ipv4'] !== undefined || n['mgmt-ipv6'] !== undefined : true,
    mgmtIpv4: n['mgmt-ipv4'],
    mgmtIpv6: n['mgmt-ipv6'],
    ports: n.ports ?? [],
    cpu: n.cpu,
    cpuSet: n['cpu-set'],
    memory: n.memory,
    shmSize: n['shm-size'],
    healthcheck: hc ? {
      test: hc.test ?? [],
      ...(hc.interval !== undefined ? { intervalS: hc.interval } : {}),
      ...(hc.timeout !== undefined ? { timeoutS: hc.timeout } : {}),
      ...(hc.retries !== undefined ? { retries: hc.retries } : {}),
      ...(hc['start-period'] !== undefined ? { startPeriodS: hc['start-period'] } : {}),
    } : undefined,
    aliases: n.aliases ?? [],
    dns: n.dns ? { servers: n.dns.servers ?? [], search: n.dns.search ?? [], options: n.dns.options ?? [] } : undefined,
    sysctls: Object.fromEntries(Object.entries(n.sysctls ?? {}).map(([k, v]) => [k, String(v)])),
    capAdd: n['cap-add'] ?? [],
    devices: n.devices ?? [],
    tmpfs: n.tmpfs ?? [],
    securityOpts: n['security-opts'] ?? [],
    entrypoint: n.entrypoint !== undefined ? shellWords(n.entrypoint, `node ${name}: entrypoint`) : undefined,
    hostname: n.hostname,
    user: n.user,
    privileged: n.privileged ?? false,
    pidMode: n['pid-mode'],
    cgroupParent: n['cgroup-parent'],
    cgroupnsMode: n['cgroupns-mode'],
    autoRemove: n['auto-remove'] === true,
    startupDelayS: n['startup-delay'] ?? 0,
    volumes: (n.volumes ?? []).map((b) => clabBind(b, o.baseDir, name)),
    stages,
    certificate: cert?.issue ? { sans: cert.sans ?? [], keySize: cert['key-size'] ?? 2048, validity: cert['validity-duration'] ?? '8760h' } : undefined,
  };
}

function stage(s: StageRaw): ClabStage {
  const exec: StageExec[] = [];
  if (Array.isArray(s.exec)) {
    for (const e of s.exec) exec.push({ command: e.command, target: e.target ?? 'container', phase: e.phase });
  } else if (s.exec) {
    for (const c of s.exec['on-enter'] ?? []) exec.push({ command: c, target: 'container', phase: 'on-enter' });
    for (const c of s.exec['on-exit'] ?? []) exec.push({ command: c, target: 'container', phase: 'on-exit' });
  }
  return { waitFor: (s['wait-for'] ?? []).map((w) => ({ node: w.node, stage: w.stage ?? 'create' })), exec };
}

function checkStages(specs: Map<string, ClabNodeSpec>, all: Set<string>): void {
  for (const [name, s] of specs) {
    for (const st of Object.values(s.stages)) {
      for (const w of st?.waitFor ?? []) {
        if (!specs.has(w.node)) {
          throw new LabError('CLAB_STAGE_NODE', `node ${name}: stages wait-for names ${all.has(w.node) ? 'non-container ' : 'no such '}node '${w.node}'`,
            `wait-for may name the lab's container nodes: ${[...specs.keys()].join(', ')}`);
        }
      }
    }
    const pol = s.imagePullPolicy;
    if (pol !== undefined && !['ifnotpresent', 'always', 'never'].includes(pol.toLowerCase())) {
      throw new LabError('CLAB_PULL_POLICY', `node ${name}: image-pull-policy '${pol}' is not IfNotPresent, always or never`, 'use one of those');
    }
    const nm = s.networkMode;
    if (nm !== undefined && !['host', 'none', 'bridge'].includes(nm) && !nm.startsWith('container:')) {
      throw new LabError('CLAB_NETWORK_MODE', `node ${name}: network-mode '${nm}' is not host, none or container:<name>`, 'use one of those');
    }
  }
}

function checkMgmtAddress(name: string, s: ClabNodeSpec, m: ClabMgmt): void {
  if (s.mgmtIpv4 && !inV4Subnet(s.mgmtIpv4, m.ipv4Subnet)) {
    throw new LabError('CLAB_MGMT_ADDRESS', `node ${name}: mgmt-ipv4 ${s.mgmtIpv4} is outside the management subnet ${m.ipv4Subnet}`,
      'set mgmt.ipv4-subnet to a subnet that holds it, or pick an address inside ' + m.ipv4Subnet);
  }
}

function inV4Subnet(ip: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const toN = (a: string) => a.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const bits = Number(len);
  if (!net || !/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(net) || !(bits >= 0 && bits <= 32)) return true; // Docker judges the rest
  const size = 2 ** (32 - bits);
  return Math.floor(toN(ip) / size) === Math.floor(toN(net) / size);
}

export function readEnvFile(file: string, node: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabError('CLAB_ENV_FILE', `node ${node}: env-file ${file} cannot be read: ${(e as Error).message}`,
      'env-files are relative to the topology file', { cause: e });
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const eq = l.indexOf('=');
    if (eq <= 0) continue;
    out[l.slice(0, eq).replace(/^export\s+/, '')] = l.slice(eq + 1);
  }
  return out;
}

/** Host paths relative to the topology's directory; magic variables are expanded at deploy. */
function clabBind(bind: string, baseDir: string, node: string): string {
  const parts = bind.split(':');
  const host = parts[0] ?? '';
  if (parts.length < 2 || !host || !parts[1]?.startsWith('/')) {
    throw new LabError('BIND_INVALID', `node ${node}: bind '${bind}' is not <host path>:<container path>[:opts]`, 'write binds like "./data:/data:ro"');
  }
  if (!isAbsolute(host) && !host.startsWith('__clab')) parts[0] = resolvePath(baseDir, host);
  return parts.join(':');
}
