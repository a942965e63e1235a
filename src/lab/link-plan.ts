/**
 * Pure: from resolved links and container PIDs to the ip commands that build them, including
 * the pod–SG link addresses and a pod's default route (no IPv4 forwarding anywhere: the SG will
 * proxy, not route, pod traffic).
 */
import { gatewayOf, interfaceAddress, type ResolvedLink, type ResolvedTopology } from '../topology/index.js';

export interface LinkPlan {
  /** One line per link, for `ip -batch` on the host; hostLines[i] builds links[i]. */
  hostLines: string[];
  links: ResolvedLink[];
  /** node → lines for `ip -batch` inside that node's namespace. */
  perNode: Map<string, string[]>;
}

/** First interface index handed out; lab links use FIRST_IFINDEX + 2·link (+1 for the b end). */
export const FIRST_IFINDEX = 1000;

export function planLinks(topo: ResolvedTopology, pidOf: (node: string) => number): LinkPlan {
  // Distinct ifindexes for the two ends: the kernel treats a carrier change on a device whose
  // ifindex differs from its peer link's as urgent and applies it at once; with equal indexes
  // (eth1 is ifindex 2 in every fresh namespace) operstate UP is batched up to a second later,
  // and until then the device's qdisc drops what is sent.
  const hostLines = topo.links.map((l, k) =>
    `link add ${l.a.name} netns ${pidOf(l.a.node.name)} mtu ${l.mtu} index ${FIRST_IFINDEX + 2 * k} type veth ` +
    `peer name ${l.b.name} netns ${pidOf(l.b.node.name)} mtu ${l.mtu} index ${FIRST_IFINDEX + 2 * k + 1}`);
  const perNode = new Map<string, string[]>();
  for (const n of topo.nodes.values()) {
    // Docker leaves lo down with NetworkMode none; node programs may want it.
    const lines = ['link set lo up', ...n.interfaces.map((i) => `link set ${i.name} up`)];
    for (const i of n.interfaces) {
      const cidr = interfaceAddress(topo.addresses, n.name, i.name);
      if (cidr) lines.push(`addr add ${cidr} dev ${i.name}`);
    }
    // The connected route exists once the address is added, even while the peer end is still
    // down (it is marked linkdown), so the gateway is accepted in the same batch.
    const gw = gatewayOf(topo.addresses, n.name);
    if (gw) lines.push(`route add default via ${gw}`);
    perNode.set(n.name, lines);
  }
  return { hostLines, links: topo.links, perNode };
}

export function describeLink(l: ResolvedLink): string {
  return `${l.a.node.name}:${l.a.name} <-> ${l.b.node.name}:${l.b.name}`;
}
