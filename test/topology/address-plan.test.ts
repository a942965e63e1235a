import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import IPCIDR from 'ip-cidr';
import { PROJECT_DIR } from '../../src/lab/index.js';
import { buildNodeConfigs, parseTopology, resolveTopology, type AddressPlan } from '../../src/topology/index.js';
import { LabError } from '../../src/util/errors.js';
import { rejects, resolveText } from './rejects.js';

const figure2Text = readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8');
/** figure2 with an `addressing:` block put in front. */
const figure2With = (addressing: string) => resolveText(`addressing: ${addressing}\n${figure2Text}`);


/** `n` pods, each behind its own SG, listed in the YAML in the given order. */
function podsTopology(names: string[], addressing = ''): string {
  const nodes = names.flatMap((p, k) => [`    ${p}: { kind: damc-pod, services: ["S${k}/1"] }`, `    gw-${p}: { kind: damc-sg }`]);
  const links = names.map((p) => `    - endpoints: ["${p}:eth1", "gw-${p}:eth1"]`);
  return `name: t\n${addressing}topology:\n  nodes:\n${nodes.join('\n')}\n  links:\n${links.join('\n')}\n`;
}

const summary = (plan: AddressPlan) => plan.pods.map((p) => [p.pod, p.subnet, p.sgAddress, p.podAddress]);

describe('pod address plan', () => {
  const topo = resolveText(figure2Text);
  const plan = topo.addresses;

  it('figure2: the 4 pods get 4 distinct /30s of 10.200.0.0/16 in name order, SG first usable, pod second', () => {
    assert.equal(plan.podPool, '10.200.0.0/16');
    assert.equal(plan.podPrefixLength, 30);
    assert.equal(plan.capacity, 16384);
    assert.deepEqual(plan.pods.map((p) => [p.pod, p.podIface, p.sg, p.sgIface]), [
      ['pod1', 'eth1', 'sg1', 'eth1'], ['pod2', 'eth1', 'sg2', 'eth1'], ['pod3', 'eth1', 'sg3', 'eth1'], ['pod4', 'eth1', 'sg4', 'eth1']]);
    assert.deepEqual(summary(plan), [
      ['pod1', '10.200.0.0/30', '10.200.0.1', '10.200.0.2'],
      ['pod2', '10.200.0.4/30', '10.200.0.5', '10.200.0.6'],
      ['pod3', '10.200.0.8/30', '10.200.0.9', '10.200.0.10'],
      ['pod4', '10.200.0.12/30', '10.200.0.13', '10.200.0.14'],
    ]);
    const pool = new IPCIDR(plan.podPool);
    assert.equal(new Set(plan.pods.map((p) => p.subnet)).size, 4, 'distinct subnets');
    for (const p of plan.pods) {
      const subnet = new IPCIDR(p.subnet);
      assert.ok(pool.contains(subnet.start<string>()) && pool.contains(subnet.end<string>()), `${p.subnet} inside the pool`);
      assert.ok(subnet.contains(p.sgAddress) && subnet.contains(p.podAddress), `${p.pod}: SG and pod in ${p.subnet}`);
      assert.notEqual(p.sgAddress, subnet.start<string>(), 'not the network address');
      assert.notEqual(p.podAddress, subnet.end<string>(), 'not the broadcast address');
    }
  });

  it('is deterministic: the same topology, resolved again or written in another order, gets the same plan', () => {
    assert.deepEqual(resolveText(figure2Text).addresses, plan);
    assert.deepEqual(summary(resolveText(podsTopology(['pod3', 'pod1', 'pod2'])).addresses),
      summary(resolveText(podsTopology(['pod1', 'pod2', 'pod3'])).addresses));
  });

  it('sorts pod names as a person would: pod2 before pod10', () => {
    const p = resolveText(podsTopology(['pod10', 'pod2', 'pod1'])).addresses;
    assert.deepEqual(p.pods.map((x) => [x.pod, x.subnet]), [['pod1', '10.200.0.0/30'], ['pod2', '10.200.0.4/30'], ['pod10', '10.200.0.8/30']]);
  });

  it('only pod–SG link ends get addresses; the pod gets its SG as gateway', () => {
    const cfgs = buildNodeConfigs(topo, () => ({ privateKeyPem: '', publicKeyRaw: '' }));
    const sg1 = cfgs.get('sg1')!;
    assert.deepEqual(sg1.interfaces.map((i) => [i.name, i.peerNode, i.ipv4]), [
      ['eth1', 'pod1', '10.200.0.1/30'], ['eth2', 'spa1', undefined], ['eth3', 'sr1', undefined], ['eth4', 'sg2', undefined]]);
    assert.equal(sg1.gateway, undefined, 'an SG has no gateway');
    const pod3 = cfgs.get('pod3')!;
    assert.deepEqual(pod3.interfaces.map((i) => [i.name, i.ipv4]), [['eth1', '10.200.0.10/30']]);
    assert.equal(pod3.gateway, '10.200.0.9');
    for (const n of ['sr1', 'sr2', 'sr3', 'spa1', 'scsc']) {
      const c = cfgs.get(n)!;
      assert.ok(c.interfaces.every((i) => !('ipv4' in i)) && !('gateway' in c), `${n} has no addresses`);
    }
  });

  it('takes addressing.podPool and podPrefixLength from the topology', () => {
    const p = figure2With('{ podPool: "192.168.8.0/24", podPrefixLength: 29 }').addresses;
    assert.equal(p.capacity, 32);
    assert.deepEqual(summary(p).map(([pod, subnet, sg, podAddr]) => [pod, subnet, sg, podAddr]), [
      ['pod1', '192.168.8.0/29', '192.168.8.1', '192.168.8.2'],
      ['pod2', '192.168.8.8/29', '192.168.8.9', '192.168.8.10'],
      ['pod3', '192.168.8.16/29', '192.168.8.17', '192.168.8.18'],
      ['pod4', '192.168.8.24/29', '192.168.8.25', '192.168.8.26'],
    ]);
    // Only the pool given: the /30 default still applies.
    assert.equal(figure2With('{ podPool: "172.16.0.0/28" }').addresses.pods[3]!.subnet, '172.16.0.12/30');
    // A pool that holds exactly the pods is enough.
    assert.equal(figure2With('{ podPool: "10.1.0.0/28" }').addresses.capacity, 4);
  });

  it('a pool too small for the pods: says how many fit, how many there are, and how wide a pool is needed', () => {
    const e = rejects(() => figure2With('{ podPool: "10.200.0.0/29" }'), 'ADDRESS_POOL_TOO_SMALL',
      '10.200.0.0/29 holds 2 /30 pod subnet(s)', 'the topology has 4 pods', 'widen the pool to /28', '10.200.0.0/28');
    assert.ok(!e.describe().includes('longer'), 'at /30 there is no longer prefix to suggest');
    rejects(() => figure2With('{ podPool: "10.200.0.0/24", podPrefixLength: 25 }'), 'ADDRESS_POOL_TOO_SMALL',
      'holds 2 /25', 'widen the pool to /23 or wider (e.g. 10.200.0.0/23)', 'longer addressing.podPrefixLength (up to 30)');
    // 5 pods in a /28: 4 fit, the hint asks for a /27.
    rejects(() => resolveText(podsTopology(['p1', 'p2', 'p3', 'p4', 'p5'], 'addressing: { podPool: "10.9.0.0/28" }\n')),
      'ADDRESS_POOL_TOO_SMALL', 'holds 4', '5 pods', '10.9.0.0/27');
  });

  it('a pool that is not an IPv4 CIDR, or not a network address, is refused with the fix', () => {
    for (const bad of ['banana', '10.200.0.0', '10.200.0.0/33', '300.1.1.0/24', 'fd00::/64']) {
      rejects(() => figure2With(`{ podPool: "${bad}" }`), 'ADDRESS_POOL_INVALID', `'${bad}' is not an IPv4 network in CIDR form`, 'like 10.200.0.0/16');
    }
    rejects(() => figure2With('{ podPool: "10.200.0.5/16" }'), 'ADDRESS_POOL_INVALID', 'not a network address', 'its network is 10.200.0.0/16');
    rejects(() => figure2With('{ podPool: "10.200.0.0/31" }'), 'ADDRESS_POOL_INVALID', 'too small for even one pod subnet', '/30 or wider');
  });

  it('a pod prefix length out of range names the range', () => {
    rejects(() => figure2With('{ podPrefixLength: 31 }'), 'ADDRESS_PREFIX_INVALID', 'podPrefixLength 31', 'from 16', 'to 30');
    rejects(() => figure2With('{ podPrefixLength: 12 }'), 'ADDRESS_PREFIX_INVALID', 'podPrefixLength 12', '10.200.0.0/16', 'from 16');
    rejects(() => figure2With('{ podPool: "10.0.0.0/24", podPrefixLength: 20 }'), 'ADDRESS_PREFIX_INVALID', 'from 24');
    // Not a whole number: caught by the schema, with the field's name.
    rejects(() => figure2With('{ podPrefixLength: 29.5 }'), 'TOPOLOGY_SCHEMA', 'addressing.podPrefixLength');
    rejects(() => figure2With('{ podpool: "10.0.0.0/8" }'), 'TOPOLOGY_SCHEMA', 'podpool');
  });

  it('a pod linked to two SGs is refused (two default gateways), even without services', () => {
    rejects(() => resolveText(`name: t
topology:
  nodes:
    p: { kind: damc-pod }
    g1: { kind: damc-sg }
    g2: { kind: damc-sg }
  links:
    - endpoints: ["p:eth1", "g1:eth1"]
    - endpoints: ["p:eth2", "g2:eth1"]
`), 'POD_GATEWAY', 'pod p is linked to 2 service gateways');
    // A pod with no SG at all has nothing to address.
    assert.deepEqual(resolveText('name: t\ntopology:\n  nodes:\n    p: { kind: damc-pod }\n').addresses.pods, []);
  });
});
