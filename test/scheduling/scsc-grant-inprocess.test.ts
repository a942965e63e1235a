/**
 * /damc/scsc is granted by an SPA like any prefix (figure2 in one process): the SCSC, which has
 * no SPA link, asks through an SG (the SG relays to its SPA) and originates the prefix with the
 * grant; every router checks it. The SPA grants it to the SCSC as its own gateway only under
 * its policy and the SCSC's own key.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { ServiceNet } from '../service/service-net.js';
import { SpaNode } from '../../src/node/spa/index.js';
import { buildNodeConfigs, loadTopology } from '../../src/topology/index.js';
import { logger } from '../../src/util/log.js';
import { Name, rawPublicKey, signAnnouncement } from '../../src/wire/index.js';

const SCSC = Name.parse('/damc/scsc');

describe('SCSC grant in-process (figure2): /damc/scsc from an SPA, through an SG', function () {
  this.timeout(60_000);

  describe('default SPA policy', () => {
    const net = new ServiceNet();
    before(() => net.start());
    after(() => net.stop());

    it('the SCSC holds an SPA grant naming itself, every router routes /damc/scsc to it, an SG relayed the request', () => {
      const g = net.sg('scsc').scheduling.grant!;
      assert.ok(g.held, JSON.stringify(g.counters));
      assert.equal(g.held.gateway.toString(), '/damc/scsc/scsc');
      assert.match(g.held.authority.toString(), /^\/damc\/spa\/spa[1-4]$/);
      const lsaEntry = net.sg('sr1').host.core.lsdb.all().flatMap((e) => (e.lsa.kind === 'prefix' && e.lsa.origin.toString() === '/damc/scsc/scsc' ? e.lsa.prefixes : []));
      assert.ok(lsaEntry.some((e) => e.prefix.equals(SCSC) && e.grant), 'the SCSC floods /damc/scsc with its grant');
      for (const r of ['sg1', 'sg2', 'sg3', 'sg4', 'sr1', 'sr2']) {
        const hit = net.sg(r).host.core.fib().lpm(SCSC);
        assert.ok(hit && hit.prefix.equals(SCSC), `${r} routes /damc/scsc`);
      }
      const relays = ['sg1', 'sg2', 'sg3', 'sg4'].map((s) => net.sg(s).spaRelay!.counters.relayBack).reduce((a, b) => a + b, 0);
      assert.ok(relays >= 1, 'an SG took the SPA\'s answer back');
    });
  });

  describe('the SPA\'s decision on a relayed request', () => {
    const cfgs = buildNodeConfigs(loadTopology('topologies/figure2.yaml'));
    const scsc = cfgs.get('scsc')!;
    const key = createPrivateKey(scsc.privateKeyPem);
    const self = Name.parse(scsc.routerName);
    const log = logger('test:spa', {});
    log.level = 'silent';
    const spa = (policy?: Record<string, string[]>) => {
      const c = cfgs.get('spa4')!;
      return new SpaNode(policy ? { ...c, spaPolicy: policy } : c, { faces: [], scheduler: { now: () => Date.now(), after: () => ({ cancel() {} }) }, log });
    };
    const request = (gateway: Name, prefixes = [SCSC], signer = key) => ({
      type: 'auth-request' as const, requestId: 7n, gateway,
      announcement: signAnnouncement({ type: 'prefix-announcement', action: 'announce', pod: self, prefixes, publicKey: rawPublicKey(signer), timestamp: Date.now() }, signer),
    });
    const sg4 = Name.parse('/damc/router/sg4');

    it('grants /damc/scsc to the SCSC as its own gateway, relayed by sg4', () => {
      const [r] = spa().answer(request(self), sg4, 1500);
      assert.ok(r!.accepted, `${r!.reason}: ${r!.reasonText}`);
      assert.equal(r!.grants![0]!.gateway.toString(), '/damc/scsc/scsc');
    });

    it('refuses it when the SPA\'s policy does not allow the SCSC, another prefix, another key, or a third gateway', () => {
      const no = spa({ ...cfgs.get('spa4')!.spaPolicy, scsc: [] }).answer(request(self), sg4, 1500);
      assert.equal(no[0]!.accepted, false);
      assert.equal(no[0]!.reason, 'not-authorized');
      assert.equal(spa().answer(request(self, [Name.parse('/B')]), sg4, 1500)[0]!.reason, 'not-authorized');
      assert.equal(spa().answer(request(self, [SCSC], createPrivateKey(cfgs.get('sr1')!.privateKeyPem)), sg4, 1500)[0]!.reason, 'bad-signature');
      const third = spa().answer(request(Name.parse('/damc/router/sr1')), sg4, 1500)[0]!;
      assert.equal(third.accepted, false);
      assert.match(third.reasonText ?? '', /is not the SG on this link/);
    });
  });
});
