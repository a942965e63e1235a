/**
 * containerlab links → ClabLink: the brief form (`endpoints: ["a:eth1", "b:eth1"]`, with the
 * special names host:, mgmt-net: and macvlan:) and the extended form (`type:` veth, host,
 * mgmt-net, macvlan, dummy). Nodes of kind bridge, host and ext-container become ends of
 * their own sort. Checks what containerlab checks: an endpoint used twice, and two
 * interfaces of one name in the host namespace.
 */
import { LabError } from '../../util/errors.js';
import type { RawLink } from '../raw.js';
import { CLAB_DEFAULT_MTU, type ClabEnd, type ClabLink } from './model.js';
import type { ClabEndpointRaw } from './schema.js';

export type EndKind = 'container' | 'bridge' | 'host' | 'ext';

export function normalizeLinks(raw: RawLink[], kindOf: (node: string) => EndKind | undefined, nodeNames: string[]): ClabLink[] {
  const links = raw.map((rl, index) => normalizeLink(rl, index, kindOf, nodeNames));
  checkUnique(links);
  return links;
}

function normalizeLink(rl: RawLink, index: number, kindOf: (n: string) => EndKind | undefined, nodeNames: string[]): ClabLink {
  const l = normalizeEnds(rl, index, kindOf, nodeNames);
  const objs = (rl.endpoints ?? []).filter((e): e is ClabEndpointRaw => typeof e !== 'string');
  const one = rl.endpoint ? [rl.endpoint] : [];
  const per = (k: 0 | 1): string[] => {
    const o = [...objs, ...one][k];
    return [rl.ipv4?.[k], rl.ipv6?.[k], o?.ipv4, o?.ipv6].filter((x): x is string => !!x);
  };
  for (const a of [...per(0), ...per(1)]) {
    if (!/\/\d+$/.test(a)) throw new LabError('CLAB_LINK_ADDRESS', `link ${index + 1}: address '${a}' has no prefix length`, 'write addresses in CIDR form, e.g. 192.168.0.1/24');
  }
  const addrs: [string[], string[]] = [per(0), per(1)];
  return addrs[0].length || addrs[1].length ? { ...l, addrs } : l;
}

function normalizeEnds(rl: RawLink, index: number, kindOf: (n: string) => EndKind | undefined, nodeNames: string[]): ClabLink {
  const where = `link ${index + 1}`;
  const base = {
    index,
    mtu: rl.mtu ?? CLAB_DEFAULT_MTU,
    labels: Object.fromEntries(Object.entries(rl.labels ?? {}).map(([k, v]) => [k, String(v)])),
    vars: rl.vars ?? {},
  };
  const end = (node: string, ifname: string | undefined, mac: string | undefined): ClabEnd => {
    if (!ifname) throw new LabError('LINK_ENDPOINT_INVALID', `${where}: endpoint of node ${node} has no interface`, 'give `interface: eth1`');
    if (node === 'host') return { t: 'host', ifname, mac };
    if (node === 'mgmt-net') return { t: 'mgmt-net', ifname, mac };
    const k = kindOf(node);
    if (k === undefined) {
      throw new LabError('LINK_UNKNOWN_NODE', `${where}: endpoint '${node}:${ifname}' names no such node '${node}'`, `nodes are: ${nodeNames.join(', ')}`);
    }
    if (k === 'host') return { t: 'host', ifname, mac };
    if (k === 'bridge') {
      const bar = node.indexOf('|');
      return bar < 0 ? { t: 'bridge', bridge: node, ifname, mac } : { t: 'bridge', bridge: node.slice(0, bar), ifname, mac, ns: node.slice(bar + 1) };
    }
    if (k === 'ext') return { t: 'ext', container: node, ifname, mac };
    return { t: 'node', node, ifname, mac };
  };
  const fromObj = (e: ClabEndpointRaw | undefined, what: string): ClabEnd => {
    if (!e) throw new LabError('CLAB_LINK_FIELD', `${where}: a ${what} link needs \`endpoint:\``, 'give `endpoint: { node: n1, interface: eth1 }`');
    return end(e.node, e.interface, e.mac);
  };
  const hostIf = (what: string): string => {
    const h = rl['host-interface'];
    if (!h) throw new LabError('CLAB_LINK_FIELD', `${where}: a ${what} link needs \`host-interface:\``, 'name the interface, e.g. `host-interface: n1-eth1`');
    return h;
  };

  if (rl.type === undefined) {
    if (!rl.endpoints) throw new LabError('CLAB_LINK_FIELD', `${where}: a link needs \`endpoints:\` (or \`type:\` with \`endpoint:\`)`, 'write endpoints: ["a:eth1", "b:eth1"]');
    const ends = rl.endpoints.map((ep) => {
      if (typeof ep !== 'string') throw new LabError('CLAB_LINK_FIELD', `${where}: endpoint objects need \`type: veth\``, 'add `type: veth`, or write endpoints as "node:interface"');
      const m = /^([^:]+):(.+)$/.exec(ep);
      if (!m) throw new LabError('LINK_ENDPOINT_INVALID', `${where}: endpoint '${ep}' is not <node>:<interface>`, 'write endpoints like "sr1:eth1"');
      return { node: m[1]!, ifname: m[2]! };
    });
    const mv = ends.findIndex((e) => e.node === 'macvlan');
    if (mv >= 0) {
      const other = ends[1 - mv]!;
      return { ...base, type: 'macvlan', a: end(other.node, other.ifname, undefined), b: undefined, parent: ends[mv]!.ifname, mode: 'bridge' };
    }
    return { ...base, type: 'veth', a: end(ends[0]!.node, ends[0]!.ifname, undefined), b: end(ends[1]!.node, ends[1]!.ifname, undefined) };
  }
  switch (rl.type) {
    case 'veth': {
      const eps = rl.endpoints;
      if (!eps || typeof eps[0] === 'string' || typeof eps[1] === 'string') {
        throw new LabError('CLAB_LINK_FIELD', `${where}: a veth link needs two endpoint objects`, 'write endpoints: [{node: a, interface: eth1}, {node: b, interface: eth1}]');
      }
      const [x, y] = eps as [ClabEndpointRaw, ClabEndpointRaw];
      return { ...base, type: 'veth', a: end(x.node, x.interface, x.mac), b: end(y.node, y.interface, y.mac) };
    }
    case 'host':
      return { ...base, type: 'veth', a: fromObj(rl.endpoint, 'host'), b: { t: 'host', ifname: hostIf('host'), mac: undefined } };
    case 'mgmt-net':
      return { ...base, type: 'veth', a: fromObj(rl.endpoint, 'mgmt-net'), b: { t: 'mgmt-net', ifname: hostIf('mgmt-net'), mac: undefined } };
    case 'macvlan':
      return { ...base, type: 'macvlan', a: fromObj(rl.endpoint, 'macvlan'), b: undefined, parent: hostIf('macvlan'), mode: rl.mode ?? 'bridge' };
    case 'dummy':
      return { ...base, type: 'dummy', a: fromObj(rl.endpoint, 'dummy'), b: undefined };
    default:
      throw new LabError('CLAB_LINK_UNSUPPORTED', `${where}: link type '${rl.type}' is not supported`,
        rl.type === 'veth-stitch'
          ? 'veth-stitch exists for nodes that cannot be impaired directly; here every end is a plain veth: use type: veth'
          : 'vxlan links join labs on different hosts, and this lab runs on one machine with no remote peer: use a veth link');
  }
}

const MAX_IFNAME = 15;
const IFNAME_RE = /^[A-Za-z0-9_.-]+$/;

function checkUnique(links: ClabLink[]): void {
  const used = new Map<string, number>();
  for (const l of links) {
    for (const e of [l.a, l.b]) {
      if (!e) continue;
      // Host-namespace names may be longer: they get a short name with the long one as altname.
      if ((e.t === 'node' || e.t === 'ext' || (e.t === 'bridge' && e.ns)) && e.ifname.length > MAX_IFNAME) {
        throw new LabError('IFACE_NAME_TOO_LONG', `link ${l.index + 1}: interface name '${e.ifname}' is ${e.ifname.length} characters; Linux allows at most ${MAX_IFNAME}`,
          'use a shorter name such as eth1');
      }
      if (!IFNAME_RE.test(e.ifname) || e.ifname === 'lo') {
        throw new LabError('LINK_UNKNOWN_INTERFACE', `link ${l.index + 1}: '${e.ifname}' is not a usable interface name`, 'name interfaces like eth1 (letters, digits, _ . -; not lo)');
      }
      const key = e.t === 'node' ? `${e.node}:${e.ifname}` : e.t === 'ext' ? `${e.container}:${e.ifname}`
        : e.t === 'bridge' && e.ns ? `${e.ns}:${e.ifname}` : `host namespace:${e.ifname}`;
      const prev = used.get(key);
      if (prev !== undefined) {
        throw new LabError(e.t === 'node' || e.t === 'ext' ? 'IFACE_USED_TWICE' : 'CLAB_HOST_IFACE_TWICE',
          `link ${l.index + 1}: interface ${key} is already used by link ${prev + 1}`,
          'every interface may be the end of one link only; give this one another name');
      }
      used.set(key, l.index);
    }
  }
}
