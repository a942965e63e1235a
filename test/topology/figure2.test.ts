import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createPublicKey, sign, verify, createPrivateKey } from 'node:crypto';
import { PROJECT_DIR } from '../../src/lab/index.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';

describe('topologies/figure2.yaml and node configs', () => {
  const topo = loadTopology(join(PROJECT_DIR, 'topologies/figure2.yaml'));

  it('has the draft figure: 4 pods each behind its SG, 3 SRs, an SPA per SG, one SCSC', () => {
    const kinds = new Map<string, number>();
    for (const n of topo.nodes.values()) kinds.set(n.kind.name, (kinds.get(n.kind.name) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(kinds), { 'damc-scsc': 1, 'damc-sr': 3, 'damc-sg': 4, 'damc-spa': 4, 'damc-pod': 4 });
    const peers = (node: string) => topo.nodes.get(node)!.interfaces.map((i) => (i.link.a === i ? i.link.b : i.link.a).node.name).sort();
    assert.deepEqual(peers('sr3'), ['scsc', 'sg3', 'sg4', 'sr1', 'sr2']);
    assert.deepEqual(peers('sg1'), ['pod1', 'sg2', 'spa1', 'sr1']);
    assert.deepEqual(topo.nodes.get('pod1')!.services, ['A/1', 'B/1']);
    assert.deepEqual(topo.nodes.get('pod4')!.services, ['A/4', 'B/4']);
  });

  it('gives SGs their pods\' instance and pool prefixes, and every node the router trust map', () => {
    const cfgs = buildNodeConfigs(topo);
    const sg1 = cfgs.get('sg1')!;
    assert.deepEqual(sg1.prefixes, ['/A', '/A/1', '/B', '/B/1']);
    assert.equal(sg1.routerName, '/damc/router/sg1');
    assert.deepEqual(cfgs.get('sr1')!.prefixes, []);
    // The SCSC too: it runs routing as a stub router and signs policies.
    assert.deepEqual(Object.keys(sg1.trust).sort(), ['/damc/router/sg1', '/damc/router/sg2', '/damc/router/sg3', '/damc/router/sg4', '/damc/router/sr1', '/damc/router/sr2', '/damc/router/sr3', '/damc/scsc/scsc']);
    assert.equal(sg1.routerNodes['/damc/router/sr3'], 'sr3');
    assert.deepEqual(sg1.interfaces.find((i) => i.name === 'eth4'),
      { name: 'eth4', peerNode: 'sg2', peerIface: 'eth4', peerKind: 'damc-sg', cost: 2, mtu: 9000 });
    assert.deepEqual(sg1.timers, { helloIntervalMs: 100, deadIntervalMs: 300, lsaLifetimeS: 120, lsaRefreshS: 40 });
  });

  it('gives the service plane its keys and policy: SPA keys to every router, pod keys to SGs and SPAs, instances to pods', () => {
    const cfgs = buildNodeConfigs(topo);
    const spaNames = ['spa1', 'spa2', 'spa3', 'spa4'].map((n) => `/damc/spa/${n}`);
    for (const r of ['sg1', 'sr3']) assert.deepEqual(Object.keys(cfgs.get(r)!.spaKeys!).sort(), spaNames);
    assert.equal(cfgs.get('sg1')!.spaKeys!['/damc/spa/spa2'], cfgs.get('sr1')!.spaKeys!['/damc/spa/spa2']);
    assert.deepEqual(Object.keys(cfgs.get('sg1')!.podKeys!), ['pod1'], 'an SG knows its own pods');
    // ... and the SCSC's, which announces /damc/scsc to an SPA the way a pod announces its services.
    assert.deepEqual(Object.keys(cfgs.get('spa1')!.podKeys!).sort(), ['pod1', 'pod2', 'pod3', 'pod4', 'scsc']);
    assert.deepEqual(cfgs.get('spa1')!.spaPolicy!.scsc, ['/damc/scsc']);
    assert.deepEqual(cfgs.get('spa1')!.spaPolicy!.pod4, ['/A', '/A/4', '/B', '/B/4'], 'by default what the topology declares');
    assert.deepEqual(cfgs.get('pod3')!.podInstances, ['B/3', 'C/3']);
    assert.equal(cfgs.get('pod1')!.routerName, '/damc/pod/pod1');
    assert.equal(cfgs.get('sr1')!.podKeys, undefined);
  });

  it('an SPA\'s `policy:` replaces the default for the pods it names', () => {
    const svc = buildNodeConfigs(loadTopology(join(PROJECT_DIR, 'topologies/service-line.yaml')));
    assert.deepEqual(svc.get('spa1')!.spaPolicy, { pod1: ['/A', '/X'], pod2: ['/B', '/Y'] });
  });

  it('each private key matches the raw public key every other node trusts', () => {
    const cfgs = buildNodeConfigs(topo);
    const msg = Buffer.from('lsa');
    for (const n of ['sg2', 'sr1']) {
      const c = cfgs.get(n)!;
      const sig = sign(null, msg, createPrivateKey(c.privateKeyPem));
      const raw = Buffer.from(cfgs.get('sr3')!.trust[c.routerName]!, 'base64');
      assert.equal(raw.length, 32);
      // Rebuild an SPKI from the raw key, as a node would.
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
      assert.ok(verify(null, msg, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig));
    }
  });
});
