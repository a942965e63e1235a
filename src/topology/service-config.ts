/** The service plane's part of a node config: a pod's instances and program, an SG's pods. */
import type { NodeConfig } from '../config/index.js';
import type { AddressPlan } from './address-plan.js';
import type { ResolvedNode, ResolvedTopology } from './resolved.js';

type ServicePart = Pick<NodeConfig, 'podServices' | 'podCmd' | 'gatewayPods'>;

export function serviceConfig(topo: ResolvedTopology, n: ResolvedNode): ServicePart {
  if (n.kind.name === 'damc-pod') {
    return { podServices: n.serviceSpecs.map((s) => ({ ...s })), ...(n.userCmd ? { podCmd: [...n.userCmd] } : {}) };
  }
  if (n.kind.name === 'damc-sg') {
    return {
      gatewayPods: topo.addresses.pods.filter((p) => p.sg === n.name).map((p) => ({
        node: p.pod, address: p.podAddress, gatewayAddress: p.sgAddress,
        instances: (topo.nodes.get(p.pod)?.serviceSpecs ?? []).map((s) => ({ instance: s.instance, port: s.port, health: s.health })),
      })),
    };
  }
  return {};
}

/** What a pod's processes get so an unmodified client uses its SG as HTTP proxy (curl reads the lowercase one). */
export function proxyEnv(plan: AddressPlan, pod: string, port = 3128): Record<string, string> {
  const gw = plan.pods.find((p) => p.pod === pod)?.sgAddress;
  if (!gw) return {};
  const url = `http://${gw}:${port}`;
  return { HTTP_PROXY: url, http_proxy: url, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };
}
