/**
 * What each node is told at deploy (src/node/config.ts): its interfaces and peers (with the
 * IPv4 address of a pod–SG link end), a pod's gateway, the prefixes an SG originates, its key
 * and the lab's trust anchors. Key generation is injected so this stays deterministic in tests.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { NodeConfig } from '../node/config.js';
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

/** The prefixes an SG originates: for each service instance X/n of its pods, /X/n and the pool /X. */
export function prefixesOf(node: ResolvedNode): string[] {
  if (node.kind.name !== 'damc-sg') return [];
  const out = new Set<string>();
  for (const i of node.interfaces) {
    const peer = peerOf(i).node;
    if (peer.kind.name !== 'damc-pod') continue;
    for (const s of peer.services) {
      out.add(`/${s}`);
      out.add(`/${s.split('/')[0]}`);
    }
  }
  return [...out].sort();
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
      prefixes: n.kind.name === 'damc-scsc' ? ['/damc/scsc'] : prefixesOf(n),
      privateKeyPem: keys.get(n.name)!.privateKeyPem,
      trust,
      routerNodes,
      timers: { ...topo.timers },
      env: { ...n.env },
      ...serviceConfig(topo, n),
      ...(topo.scheduling && (n.kind.name === 'damc-sg' || n.kind.name === 'damc-scsc') ? { scheduling: topo.scheduling } : {}),
    });
  }
  return out;
}
