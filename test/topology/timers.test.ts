import assert from 'node:assert/strict';
import { generateTopology, parseTopology, resolveTopology, scaledTimers, SMALL_LAB, topologyToYaml } from '../../src/topology/index.js';
import { rejects, resolveText } from './rejects.js';

const lab = (timers: string) => `
name: t
${timers}
topology:
  nodes:
    a: { kind: damc-sr }
    b: { kind: damc-sr }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
`;

describe('topology timers', () => {
  it('refuses a dead interval that is not more than the hello interval, naming both and the fix', () => {
    rejects(() => resolveText(lab('timers: { helloIntervalMs: 500, deadIntervalMs: 500 }')), 'TIMERS_INVALID', 'deadIntervalMs (500)', 'helloIntervalMs (500)', 'e.g. 2000');
    rejects(() => resolveText(lab('timers: { deadIntervalMs: 50 }')), 'TIMERS_INVALID', 'deadIntervalMs (50)', 'helloIntervalMs (100)');
  });

  it('refuses a refresh that is not less than the lifetime', () => {
    rejects(() => resolveText(lab('timers: { lsaLifetimeS: 60, lsaRefreshS: 60 }')), 'TIMERS_INVALID', 'lsaRefreshS (60)', 'lsaLifetimeS (60)', 'e.g. 20');
    rejects(() => resolveText(lab('timers: { lsaRefreshS: 500 }')), 'TIMERS_INVALID', 'lsaRefreshS (500)');
  });

  it('derives the partner of a timer given alone: 4 hellos of dead interval, a third of the lifetime', () => {
    assert.deepEqual(resolveText(lab('timers: { helloIntervalMs: 1000 }')).timers, { helloIntervalMs: 1000, deadIntervalMs: 4000, lsaLifetimeS: 120, lsaRefreshS: 40 });
    assert.deepEqual(resolveText(lab('timers: { lsaLifetimeS: 900 }')).timers, { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 900, lsaRefreshS: 300 });
  });

  it('keeps the fast timers up to SMALL_LAB routers and slows them with the size above it', () => {
    const grid = (n: number) => resolveTopology(parseTopology(topologyToYaml(generateTopology({ shape: 'grid', nodes: n, pods: Math.floor(n / 10) }), 'g'))).timers;
    assert.deepEqual(grid(50), { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 });
    // grid 50 with 5 pods is 55 routers (an SG per pod); grid 100 with 10 pods 110.
    assert.deepEqual(grid(100), { helloIntervalMs: 1100, deadIntervalMs: 4400, lsaLifetimeS: 1800, lsaRefreshS: 600 });
    assert.deepEqual(grid(250).helloIntervalMs, 2000);
    assert.equal(scaledTimers(SMALL_LAB).helloIntervalMs, 100);
    // What the topology sets wins over the scaled values.
    const set = resolveTopology(parseTopology(topologyToYaml({ ...generateTopology({ shape: 'grid', nodes: 100 }), timers: { helloIntervalMs: 200 } }, 'g'))).timers;
    assert.deepEqual([set.helloIntervalMs, set.deadIntervalMs, set.lsaLifetimeS], [200, 800, 1800]);
  });
});
