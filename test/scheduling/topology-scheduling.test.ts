/** The topology's `scheduling:` stanza reaches the SGs and the SCSC (and only them), checked. */
import assert from 'node:assert/strict';
import { buildNodeConfigs, parseTopology, resolveTopology } from '../../src/topology/index.js';

const yaml = (stanza: string) => `name: t
${stanza}
topology:
  nodes:
    sg1: { kind: damc-sg }
    sr1: { kind: damc-sr }
    scsc: { kind: damc-scsc }
    spa1: { kind: damc-spa }
    p1: { kind: damc-pod, services: ["B/1"] }
  links:
    - endpoints: ["p1:eth1", "sg1:eth1"]
    - endpoints: ["sg1:eth2", "sr1:eth1"]
    - endpoints: ["scsc:eth1", "sr1:eth2"]
    - endpoints: ["spa1:eth1", "sg1:eth3"]
`;

describe('topology: scheduling stanza', () => {
  it('gives spread, periods and completed conditions to SGs and the SCSC; the SCSC originates /damc/scsc and is trusted', () => {
    const cfgs = buildNodeConfigs(resolveTopology(parseTopology(yaml('scheduling:\n  spread: pool\n  probeIntervalMs: 500\n  conditions: { maxRttMs: 50 }')), {}));
    const want = { spread: 'pool', probeIntervalMs: 500, conditions: { maxRttMs: 50, maxLoss: 0.05, maxErrorRate: 0.1, health: true } };
    assert.deepEqual(cfgs.get('sg1')!.scheduling, want);
    assert.deepEqual(cfgs.get('scsc')!.scheduling, want);
    assert.equal(cfgs.get('sr1')!.scheduling, undefined);
    assert.deepEqual(cfgs.get('scsc')!.prefixes, ['/damc/scsc']);
    assert.ok(cfgs.get('sg1')!.trust['/damc/scsc/scsc'], 'routers trust the SCSC\'s key (its LSAs)');
    // Policies: only the SCSC's key, on every SG and SR (not the whole trust map).
    for (const n of ['sg1', 'sr1']) assert.deepEqual(Object.keys(cfgs.get(n)!.scscKeys ?? {}), ['/damc/scsc/scsc'], n);
    assert.equal(cfgs.get('sg1')!.scscKeys!['/damc/scsc/scsc'], cfgs.get('sg1')!.trust['/damc/scsc/scsc']);
    assert.equal(cfgs.get('scsc')!.scscKeys, undefined);
    // /damc/scsc is granted by an SPA like any prefix: no router lets it through without one.
    for (const c of cfgs.values()) assert.equal(c.infraPrefixes, undefined, c.node);
    assert.deepEqual(cfgs.get('scsc')!.spaVia, ['/damc/router/sg1'], 'the SGs with an SPA, through which the SCSC asks');
    assert.deepEqual(cfgs.get('spa1')!.spaPolicy!.scsc, ['/damc/scsc'], 'by default the SPA lets the SCSC own /damc/scsc');
    assert.equal(cfgs.get('spa1')!.podKeys!.scsc, cfgs.get('sg1')!.trust['/damc/scsc/scsc'], 'and checks its announcement against its own key');
  });

  it('refuses a condition out of range, with the fix', () => {
    assert.throws(() => resolveTopology(parseTopology(yaml('scheduling:\n  conditions: { maxLoss: 5 }')), {}), /scheduling.conditions.maxLoss is 5/);
  });
});
