/**
 * Class 4 in-band, by name: SGs send telemetry to `/damc/scsc` (the prefix the SCSC originates,
 * so the FIB takes it there from any router), the SCSC sends each policy to the router's own
 * name plus `/policy` (/damc/router/sg1/policy). Both travel as one single-segment data
 * request, the encoded QosTelemetry or QosPolicy message as its payload, never answered: both
 * are repeated (telemetry every second, policies every refresh), so a lost one costs one period.
 */
import { Name } from '../../wire/name.js';

export const SCSC_PREFIX = Name.parse('/damc/scsc');
export const POLICY_SUFFIX = 'policy';

export function policyName(router: Name): Name {
  return Name.parse(`${router.toString()}/${POLICY_SUFFIX}`);
}

/** Where an SG takes another node's auth request to its SPA (sg/spa-relay.ts): /damc/router/sg4/spa. */
export const SPA_RELAY_SUFFIX = 'spa';

export function spaRelayName(sg: Name): Name {
  return sg.append(SPA_RELAY_SUFFIX);
}
