/**
 * The pod address plan: every pod–SG link gets its own small IPv4 subnet from the lab's pod
 * pool (`addressing.podPool`, default 10.200.0.0/16, one /30 per pod). Pods are taken in name
 * order (numeric-aware: pod2 before pod10), the k-th pod gets the k-th subnet, and in each
 * subnet the SG has the first usable address and the pod the second, so a person can predict
 * every address from the topology alone. Fabric links get no address. Pure: CIDR arithmetic
 * is ip-cidr's.
 */
import IPCIDR from 'ip-cidr';
import { LabError } from '../util/errors.js';
import { peerOf, type ResolvedNode } from './resolved.js';

export interface Addressing {
  /** IPv4 network the pod subnets are cut from, e.g. "10.200.0.0/16". */
  podPool: string;
  /** Prefix length of each pod subnet. */
  podPrefixLength: number;
}

/**
 * /30: the pod–SG link is point-to-point with exactly two hosts (SG and pod), and a /30 holds
 * exactly those two; a /16 pool then fits 16,384 pods. A topology that wants room for more
 * addresses on the link sets `podPrefixLength: 29`.
 */
export const DEFAULT_ADDRESSING: Addressing = { podPool: '10.200.0.0/16', podPrefixLength: 30 };

/** Longest usable pod prefix: a subnet needs network, SG, pod and broadcast addresses. */
export const MAX_POD_PREFIX = 30;

export interface PodLinkAddresses {
  pod: string;
  podIface: string;
  sg: string;
  sgIface: string;
  /** The link's subnet, e.g. "10.200.0.0/30". */
  subnet: string;
  /** First usable address of the subnet (no prefix), the pod's default gateway. */
  sgAddress: string;
  /** Second usable address of the subnet (no prefix). */
  podAddress: string;
}

export interface AddressPlan extends Addressing {
  /** How many pod subnets the pool holds. */
  capacity: number;
  /** One entry per addressed pod, in allocation order. */
  pods: PodLinkAddresses[];
}

const where = (field: keyof Addressing) => `addressing.${field}`;

/** Validates `addressing` against the pods of `nodes` and hands out the subnets. */
export function planPodAddresses(nodes: Iterable<ResolvedNode>, addressing: Addressing): AddressPlan {
  const { podPool, podPrefixLength } = addressing;
  const pool = parsePool(podPool);
  const poolPrefix = pool.address.subnetMask;
  if (poolPrefix > MAX_POD_PREFIX) {
    throw new LabError('ADDRESS_POOL_INVALID',
      `${where('podPool')} ${podPool} is a /${poolPrefix}: too small for even one pod subnet (a /${MAX_POD_PREFIX} is the smallest)`,
      `use a pool of /${MAX_POD_PREFIX} or wider, e.g. the default ${DEFAULT_ADDRESSING.podPool}`);
  }
  if (!Number.isInteger(podPrefixLength) || podPrefixLength < poolPrefix || podPrefixLength > MAX_POD_PREFIX) {
    throw new LabError('ADDRESS_PREFIX_INVALID',
      `${where('podPrefixLength')} ${podPrefixLength} is out of range for pool ${podPool}: it must be a whole number from ${poolPrefix} (the pool's own length) to ${MAX_POD_PREFIX}`,
      `use ${DEFAULT_ADDRESSING.podPrefixLength} (one SG and one pod address per link) or 29; ${MAX_POD_PREFIX} is the longest, since a subnet needs network, SG, pod and broadcast addresses`);
  }

  const pods = podsWithGateway(nodes);
  const start = pool.start<string>();
  const subnetSize = bigintOf(new IPCIDR(`${start}/${podPrefixLength}`).size);
  const capacityBig = bigintOf(pool.size) / subnetSize;
  const capacity = Number(capacityBig);
  if (BigInt(pods.length) > capacityBig) {
    const needed = Math.max(0, podPrefixLength - Math.ceil(Math.log2(pods.length)));
    const wider = new IPCIDR(`${start}/${needed}`);
    throw new LabError('ADDRESS_POOL_TOO_SMALL',
      `${where('podPool')} ${podPool} holds ${capacity} /${podPrefixLength} pod subnet(s), but the topology has ${pods.length} pods`,
      `widen the pool to /${needed} or wider (e.g. ${wider.start<string>()}/${needed})` +
      (podPrefixLength < MAX_POD_PREFIX ? `, or cut smaller subnets with a longer ${where('podPrefixLength')} (up to ${MAX_POD_PREFIX})` : ''));
  }

  return {
    podPool,
    podPrefixLength,
    capacity,
    pods: pods.map(({ pod, podIface, sg, sgIface }, k) => {
      const [base] = pool.toArray({ from: BigInt(k) * subnetSize, limit: 1n });
      const subnet = new IPCIDR(`${base!}/${podPrefixLength}`);
      const [sgAddress, podAddress] = subnet.toArray({ from: 1n, limit: 2n });
      return { pod, podIface, sg, sgIface, subnet: subnet.toString(), sgAddress: sgAddress!, podAddress: podAddress! };
    }),
  };
}

/** The address of `node:iface` in CIDR form ("10.200.0.1/30"), or undefined for an unaddressed interface. */
export function interfaceAddress(plan: AddressPlan, node: string, iface: string): string | undefined {
  for (const p of plan.pods) {
    if (p.pod === node && p.podIface === iface) return `${p.podAddress}/${plan.podPrefixLength}`;
    if (p.sg === node && p.sgIface === iface) return `${p.sgAddress}/${plan.podPrefixLength}`;
  }
  return undefined;
}

/** A pod's default gateway: its SG's address on their link. */
export function gatewayOf(plan: AddressPlan, pod: string): string | undefined {
  return plan.pods.find((p) => p.pod === pod)?.sgAddress;
}

function parsePool(podPool: string): IPCIDR {
  if (!IPCIDR.isValidCIDR(podPool) || podPool.includes(':')) {
    throw new LabError('ADDRESS_POOL_INVALID', `${where('podPool')} '${podPool}' is not an IPv4 network in CIDR form`,
      `write it like ${DEFAULT_ADDRESSING.podPool} (address/prefix length)`);
  }
  const pool = new IPCIDR(podPool);
  const network = `${pool.start<string>()}/${pool.address.subnetMask}`;
  if (network !== podPool) {
    // 10.200.0.5/16 is most likely a typo: say what it means rather than guess.
    throw new LabError('ADDRESS_POOL_INVALID', `${where('podPool')} ${podPool} is not a network address (host bits are set)`,
      `its network is ${network}; write that`);
  }
  return pool;
}

/** Pods linked to one SG, in name order (numeric-aware). Resolve rejects a pod linked to several. */
function podsWithGateway(nodes: Iterable<ResolvedNode>): Omit<PodLinkAddresses, 'subnet' | 'sgAddress' | 'podAddress'>[] {
  const out: Omit<PodLinkAddresses, 'subnet' | 'sgAddress' | 'podAddress'>[] = [];
  for (const n of nodes) {
    if (n.kind.name !== 'damc-pod') continue;
    const toSg = n.interfaces.find((i) => peerOf(i).node.kind.name === 'damc-sg');
    if (!toSg) continue;
    const sgEnd = peerOf(toSg);
    out.push({ pod: n.name, podIface: toSg.name, sg: sgEnd.node.name, sgIface: sgEnd.name });
  }
  return out.sort((a, b) => a.pod.localeCompare(b.pod, 'en', { numeric: true }));
}

/** ip-cidr's typings call its sizes `BigInt` (the wrapper); at run time they are bigint. */
function bigintOf(x: unknown): bigint {
  return BigInt(x as bigint);
}
