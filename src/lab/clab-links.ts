/**
 * Pure: the ip commands that build one containerlab link. Namespaced ends (nodes, external
 * containers) are born in their namespace under their final name; host-namespace ends (host:,
 * bridge ports, mgmt-net:) are created on the host and, for bridges and mgmt-net, enslaved.
 */
import { createHash } from 'node:crypto';
import { MAX_IFNAME, type ClabEnd, type ClabLink } from '../topology/index.js';

/**
 * A host-namespace name longer than Linux allows gets, as containerlab does it, a short
 * generated name with the file's name as its altname (`ip link show <long name>` finds it).
 */
export function hostIfName(name: string): string {
  return name.length <= MAX_IFNAME ? name : `clab-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
}

export interface LinkCommands {
  /** `ip -batch` lines on the host. */
  host: string[];
  /** `ip -batch` lines per namespace (keyed by PID), run after the host lines. */
  ns: Map<number, string[]>;
  /** Interfaces this link leaves in the host namespace (removed at destroy). */
  hostIfs: string[];
  /** [pid, ifname] of each namespaced end, to wait for. */
  ends: [number, string][];
}

export interface LinkContext {
  /** PID of the namespace of a node or external container end. */
  pidOf(end: ClabEnd & { t: 'node' | 'ext' }): number;
  /** Linux bridge of the management network. */
  mgmtBridge: string | undefined;
  /** Device type for `dummy` links: dummy, or ifb on kernels built without the dummy driver. */
  dummyKind?: 'dummy' | 'ifb';
}

export function linkCommands(l: ClabLink, c: LinkContext): LinkCommands {
  const out: LinkCommands = { host: [], ns: new Map(), hostIfs: [], ends: [] };
  const nsLine = (pid: number, line: string) => out.ns.set(pid, [...(out.ns.get(pid) ?? []), line]);
  const mac = (e: ClabEnd) => (e.mac ? ` address ${e.mac}` : '');
  const side = (e: ClabEnd): string => {
    if (e.t === 'node' || e.t === 'ext' || (e.t === 'bridge' && e.ns)) {
      const pid = e.t === 'bridge' ? c.pidOf({ t: 'node', node: e.ns!, ifname: e.ifname, mac: e.mac }) : c.pidOf(e);
      if (e.t === 'bridge') nsLine(pid, `link set ${e.ifname} master ${e.bridge}`);
      nsLine(pid, `link set ${e.ifname} up`);
      out.ends.push([pid, e.ifname]);
      return `name ${e.ifname} netns ${pid} mtu ${l.mtu}${mac(e)}`;
    }
    const name = hostIfName(e.ifname);
    out.hostIfs.push(name);
    return `name ${name} mtu ${l.mtu}${mac(e)}`;
  };
  const afterHost = (e: ClabEnd): string[] => {
    if (e.t === 'node' || e.t === 'ext' || (e.t === 'bridge' && e.ns)) return [];
    const name = hostIfName(e.ifname);
    const alt = name !== e.ifname ? [`link property add dev ${name} altname ${e.ifname}`] : [];
    if (e.t === 'bridge') return [...alt, `link set ${name} master ${e.bridge}`, `link set ${name} up`];
    if (e.t === 'mgmt-net') return [...alt, `link set ${name} master ${c.mgmtBridge}`, `link set ${name} up`];
    return [...alt, `link set ${name} up`];
  };
  /** Link addresses: in the end's namespace, or on the host for host-namespace ends. */
  const addresses = (e: ClabEnd, list: string[]) => {
    for (const cidr of list) {
      if (e.t === 'node' || e.t === 'ext') nsLine(c.pidOf(e), `addr add ${cidr} dev ${e.ifname}`);
      else if (e.t === 'bridge' && e.ns) nsLine(c.pidOf({ t: 'node', node: e.ns, ifname: e.ifname, mac: e.mac }), `addr add ${cidr} dev ${e.ifname}`);
      else out.host.push(`addr add ${cidr} dev ${hostIfName(e.ifname)}`);
    }
  };
  const a = l.a;
  if (l.type === 'dummy') {
    const e = a as ClabEnd & { t: 'node' | 'ext' };
    const pid = c.pidOf(e);
    nsLine(pid, `link add name ${e.ifname} mtu ${l.mtu}${mac(e)} type ${c.dummyKind ?? 'dummy'}`);
    nsLine(pid, `link set ${e.ifname} up`);
    addresses(e, l.addrs?.[0] ?? []);
    return out;
  }
  if (l.type === 'macvlan') {
    const e = a as ClabEnd & { t: 'node' | 'ext' };
    const pid = c.pidOf(e);
    out.host.push(`link add link ${l.parent} name ${e.ifname} netns ${pid} mtu ${l.mtu}${mac(e)} type macvlan mode ${l.mode ?? 'bridge'}`);
    nsLine(pid, `link set ${e.ifname} up`);
    out.ends.push([pid, e.ifname]);
    addresses(e, l.addrs?.[0] ?? []);
    return out;
  }
  const b = l.b!;
  out.host.push(`link add ${side(a)} type veth peer ${side(b)}`);
  out.host.push(...afterHost(a), ...afterHost(b));
  [a, b].forEach((e, k) => addresses(e, l.addrs?.[k] ?? []));
  return out;
}
