import assert from 'node:assert/strict';
import { formatPolicies, formatScscView, policySigner, PolicyStore, ScscCore, trustMapPolicyVerifier } from '../../src/scheduling/index.js';
import { Name, rawPublicKey } from '../../src/wire/index.js';
import { keyFromSeed } from '../wire/examples.js';

const n = (x: string) => Name.parse(x);
const key = keyFromSeed(3);
const T0 = 1_800_000_000_000;

describe('scheduling: what lab policies and lab scsc print', () => {
  it('shows the SCSC\'s view, its decision and why, and the policy a router then holds', () => {
    const s = new ScscCore({ self: n('/damc/scsc'), conditions: { maxRttMs: 100, health: true }, sign: policySigner(key) });
    const e = (target: string, rttUs: number) => ({ target: n(target), rttUs, lossPpm: 0, errorPpm: 0, healthy: true, samples: 5, time: T0 });
    const pushes = s.onTelemetry({ type: 'qos-telemetry', reporter: n('/damc/router/sg1'), time: T0, entries: [e('/B/1', 1000), e('/B/4', 201_000)] }, T0);
    assert.equal(
      formatScscView(s.view(T0 + 400)),
      [
        'SG                instance  state  rtt ms  loss  errors  healthy  age    why',
        '/damc/router/sg1  /B/1      in     1.0     0%    0%      yes      0.4 s',
        '/damc/router/sg1  /B/4      out    201.0   0%    0%      yes      0.4 s  rtt 201.0 ms > 100 ms',
        'policies held by 1 router(s)',
        '/damc/router/sg1  version 1800000000000000',
        '  /B           instances /B/1=100 /B/4=0',
        'decisions:',
        '  08:00:00.000 drain /B/4 for /damc/router/sg1: rtt 201.0 ms > 100 ms',
      ].join('\n'),
    );
    const store = new PolicyStore(trustMapPolicyVerifier({ '/damc/scsc': rawPublicKey(key) }));
    assert.match(formatPolicies(store, T0), /^no policy held: forwarding by the FIB/);
    store.offer(pushes[0]!.policy, T0);
    store.offer({ ...pushes[0]!.policy, version: 1n }, T0);
    assert.equal(
      formatPolicies(store, T0 + 2500),
      [
        '/damc/scsc  version 1800000000000000  expires in 12.5 s',
        '  /B           instances /B/1=100 /B/4=0',
        'received 2: installed 1, duplicate 0; rejected: stale 0, expired 0, unsigned 0, bad signature 1, unknown origin 0; held policies expired 0',
      ].join('\n'),
    );
  });
});
