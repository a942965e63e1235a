/**
 * What each node is told at deploy (src/config/node-config.ts): its interfaces and peers (with the
 * IPv4 address of a pod–SG link end), a pod's gateway, the prefixes an SG originates, its key
 * and the lab's trust anchors. Key generation is injected so this stays deterministic in tests.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { NodeConfig } from '../config/index.js';
import { gatewayOf, interfaceAddress } from './address-plan.js';
import { peerOf, type ResolvedNode, type ResolvedTopology } from './resolved.js';
import { serviceConfig } from './service-config.js';

export interface NodeKey {
  privateKeyPem: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKeyRaw: string;
}

export function generateEd25519(): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // An Ed25519 SPKI is a fixed 12-byte header followed by the 32-byte key.
    publicKeyRaw: spki.subarray(spki.length - 32).toString('base64'),
  };
}

export function routerNameOf(node: ResolvedNode): string {
  return node.kind.router ? `/damc/router/${node.name}` : `/damc/${node.kind.name.replace(/^damc-/, '')}/${node.name}`;
}

/** What a pod declares: for each service instance X/n, /X/n and the pool /X. */
export function podPrefixes(pod: ResolvedNode): string[] {
  const out = new Set<string>();
  for (const s of pod.services) {
    out.add(`/${s}`);
    out.add(`/${s.split('/')[0]}`);
  }
  return [...out].sort();
}

/**
 * The prefixes an SG's pods declare: for each service instance X/n of its pods, /X/n and the
 * pool /X. The SG advertises of these only what its SPA grants.
 */
export function prefixesOf(node: ResolvedNode): string[] {
  if (node.kind.name !== 'damc-sg') return [];
  const pods = node.interfaces.map((i) => peerOf(i).node).filter((p) => p.kind.name === 'damc-pod');
  return [...new Set(pods.flatMap(podPrefixes))].sort();
}

/** The prefix an SCSC originates, granted by an SPA like any other. */
export const SCSC_PREFIX_TEXT = '/damc/scsc';

/**
 * An SPA's policy: its explicit `policy:` per pod, and for every other pod what it declares;
 * an SCSC may own /damc/scsc unless the SPA's `policy:` says otherwise for it.
 */
export function spaPolicyOf(spa: ResolvedNode, topo: ResolvedTopology): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of topo.nodes.values()) if (n.kind.name === 'damc-pod') out[n.name] = spa.policy?.[n.name] ?? podPrefixes(n);
  for (const n of topo.nodes.values()) if (n.kind.name === 'damc-scsc') out[n.name] = spa.policy?.[n.name] ?? [SCSC_PREFIX_TEXT];
  return out;
}

/** The service-plane fields of one node's config (keys, policy, what a pod announces). */
function serviceFields(n: ResolvedNode, topo: ResolvedTopology, keys: Map<string, NodeKey>, spaKeys: Record<string, string>): Partial<NodeConfig> {
  const podKey = (p: ResolvedNode) => [p.name, keys.get(p.name)!.publicKeyRaw] as const;
  const pods = [...topo.nodes.values()].filter((p) => p.kind.name === 'damc-pod');
  // An SCSC announces /damc/scsc to an SPA as a pod announces its services: signed with its key.
  const announcers = [...topo.nodes.values()].filter((p) => p.kind.name === 'damc-pod' || p.kind.name === 'damc-scsc');
  switch (n.kind.name) {
    case 'damc-sg': {
      const mine = n.interfaces.map((i) => peerOf(i).node).filter((p) => p.kind.name === 'damc-pod');
      return { spaKeys, podKeys: Object.fromEntries(mine.map(podKey)), serviceTimers: { ...topo.serviceTimers } };
    }
    case 'damc-sr':
      return { spaKeys };
    case 'damc-scsc': { // a stub router: it routes by the same granted prefixes and asks an SPA for its own
      const spaVia = [...topo.nodes.values()]
        .filter((g) => g.kind.name === 'damc-sg' && g.interfaces.some((i) => peerOf(i).node.kind.name === 'damc-spa'))
        .map(routerNameOf).sort();
      return { spaKeys, spaVia, serviceTimers: { ...topo.serviceTimers } };
    }
    case 'damc-spa':
      return { podKeys: Object.fromEntries(announcers.map(podKey)), spaPolicy: spaPolicyOf(n, topo), serviceTimers: { ...topo.serviceTimers } };
    case 'damc-pod':
      return { podInstances: [...n.services], serviceTimers: { ...topo.serviceTimers } };
    default:
      return {};
  }
}

export function buildNodeConfigs(topo: ResolvedTopology, keyOf: (node: string) => NodeKey = () => generateEd25519()): Map<string, NodeConfig> {
  const keys = new Map<string, NodeKey>();
  for (const n of topo.nodes.values()) keys.set(n.name, keyOf(n.name));
  const trust: Record<string, string> = {};
  const routerNodes: Record<string, string> = {};
  for (const n of topo.nodes.values()) {
    // The SCSC is trusted too: it runs routing as a stub router and signs policies.
    if (!n.kind.router && n.kind.name !== 'damc-scsc') continue;
    trust[routerNameOf(n)] = keys.get(n.name)!.publicKeyRaw;
    routerNodes[routerNameOf(n)] = n.name;
  }
  const spaKeys: Record<string, string> = {};
  for (const n of topo.nodes.values()) if (n.kind.name === 'damc-spa') spaKeys[routerNameOf(n)] = keys.get(n.name)!.publicKeyRaw;
  // Policies are accepted only under an SCSC's signature (not any trusted router's).
  const scscKeys: Record<string, string> = {};
  for (const n of topo.nodes.values()) if (n.kind.name === 'damc-scsc') scscKeys[routerNameOf(n)] = keys.get(n.name)!.publicKeyRaw;
  const out = new Map<string, NodeConfig>();
  for (const n of topo.nodes.values()) {
    const gateway = gatewayOf(topo.addresses, n.name);
    out.set(n.name, {
      lab: topo.name,
      node: n.name,
      kind: n.kind.name,
      routerName: routerNameOf(n),
      interfaces: n.interfaces.map((i) => {
        const p = peerOf(i);
        const ipv4 = interfaceAddress(topo.addresses, n.name, i.name);
        return {
          name: i.name, peerNode: p.node.name, peerIface: p.name, peerKind: p.node.kind.name, cost: i.cost, mtu: i.link.mtu,
          ...(ipv4 ? { ipv4 } : {}),
        };
      }),
      ...(gateway ? { gateway } : {}),
      prefixes: n.kind.name === 'damc-scsc' ? [SCSC_PREFIX_TEXT] : prefixesOf(n),
      privateKeyPem: keys.get(n.name)!.privateKeyPem,
      trust,
      routerNodes,
      timers: { ...topo.timers },
      env: { ...n.env },
      ...serviceConfig(topo, n),
      ...serviceFields(n, topo, keys, spaKeys),
      ...(topo.scheduling && (n.kind.name === 'damc-sg' || n.kind.name === 'damc-scsc') ? { scheduling: topo.scheduling } : {}),
      ...(Object.keys(scscKeys).length > 0 && n.kind.router ? { scscKeys } : {}),
    });
  }
  return out;
}
