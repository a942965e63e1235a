import assert from 'node:assert/strict';
import { DEFAULT_SERVICE_TIMERS } from '../../src/config/index.js';
import { buildNodeConfigs } from '../../src/topology/node-configs.js';
import { rejects, resolveText } from './rejects.js';

const lab = (timers: string) => `
name: t
${timers}
topology:
  nodes:
    sg1: { kind: damc-sg }
    spa1: { kind: damc-spa }
    pod1: { kind: damc-pod, services: ["A/1"] }
  links:
    - endpoints: ["sg1:eth1", "pod1:eth1"]
    - endpoints: ["sg1:eth2", "spa1:eth1"]
`;

describe('topology: service-plane timers', () => {
  it('defaults when the topology sets none', () => {
    assert.deepEqual(resolveText(lab('')).serviceTimers, DEFAULT_SERVICE_TIMERS);
  });

  it('takes what timers: sets, derives the hold from a refresh given alone, and gives it to pods, SGs and SPAs', () => {
    const t = resolveText(lab('timers: { announceRefreshMs: 500, grantLifetimeS: 30, authTimeoutMs: 300 }'));
    assert.deepEqual(t.serviceTimers, { announceRefreshMs: 500, announceHoldMs: 1750, grantLifetimeS: 30, authTimeoutMs: 300 });
    const cfgs = buildNodeConfigs(t);
    for (const n of ['sg1', 'spa1', 'pod1']) assert.deepEqual(cfgs.get(n)!.serviceTimers, t.serviceTimers, n);
  });

  it('refuses a hold not longer than the refresh, and a grant too short for the SPA timeout, naming the fix', () => {
    rejects(() => resolveText(lab('timers: { announceRefreshMs: 2000, announceHoldMs: 2000 }')), 'TIMERS_INVALID', 'announceHoldMs (2000)', 'announceRefreshMs (2000)', 'e.g. 7000');
    rejects(() => resolveText(lab('timers: { grantLifetimeS: 2, authTimeoutMs: 1000 }')), 'TIMERS_INVALID', 'grantLifetimeS (2)', 'at least 4 s');
    rejects(() => resolveText(lab('timers: { announceRefreshMs: 0 }')), 'TOPOLOGY_SCHEMA');
  });
});
