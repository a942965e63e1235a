/**
 * The SG's active probe of one instance: a GET of its health endpoint, to its own pod or across
 * the fabric by the instance's name (/B/4), with a short deadline. 2xx is healthy; a 5xx or
 * another status is a failed probe; no answer in time is a lost one. The time to the answer is
 * the RTT figure (it includes the instance's own delay, as a caller would see it).
 */
import { trustMapPolicyVerifier, type Outcome, type PolicyVerifier } from '../../scheduling/index.js';
import type { Name } from '../../wire/name.js';
import type { NodeConfig } from '../config.js';
import type { ServiceGateway } from './service-gateway.js';

export const PROBE_TIMEOUT_MS = 1000;
/** The built-in apps' health path; a pod's own instances use what their config says. */
export const DEFAULT_HEALTH_PATH = '/healthz';

export function gatewayProbe(gw: ServiceGateway, timeoutMs = PROBE_TIMEOUT_MS): (i: Name) => Promise<{ outcome: Outcome; latencyMs: number }> {
  return async (instance) => {
    const local = gw.pods.instances.find((l) => `/${l.instance}` === instance.key);
    const path = (local && gw.healthPath(local.instance)) || DEFAULT_HEALTH_PATH;
    // Node's HTTP servers refuse a request without Host: the instance's own spelling (1.B).
    const host = instance.key.split('/').slice(1).reverse().join('.');
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), timeoutMs); });
    const a = await Promise.race([gw.exchange(instance, true, { method: 'GET', path, headers: [['host', host]], body: new Uint8Array() }, timeoutMs, true), late]);
    clearTimeout(timer);
    const latencyMs = performance.now() - t0;
    if (a === 'late' || a.status === 504) return { outcome: 'timeout', latencyMs };
    return { outcome: a.status >= 200 && a.status < 300 ? 'ok' : 'error', latencyMs };
  };
}

/**
 * Policies are trusted only when signed by an SCSC's key (the node config's scscKeys): a node
 * the lab trusts for routing (an SR) that signs a policy is refused as an unknown origin.
 */
export function trustedPolicyVerifier(cfg: NodeConfig): PolicyVerifier {
  return trustMapPolicyVerifier(cfg.scscKeys ?? {});
}
