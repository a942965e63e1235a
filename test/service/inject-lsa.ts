/**
 * Run inside a router's container: floods a hand-made prefix LSA, signed with this router's
 * own key (a router gone bad), carrying prefixes without any grant, out of every fabric link.
 *   node /opt/damc/dist/test/service/inject-lsa.js /EVIL [/MORE…]
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openFace } from '../../src/face/index.js';
import { NODE_CONFIG_PATH, type NodeConfig } from '../../src/node/config.js';
import { fabricInterfaces } from '../../src/node/router-node.js';
import { encode, Name, signLsa } from '../../src/wire/index.js';

const cfg = JSON.parse(readFileSync(NODE_CONFIG_PATH, 'utf8')) as NodeConfig;
const prefixes = process.argv.slice(2).map((p) => ({ prefix: Name.parse(p), cost: 0 }));
// Part 9: a part the router itself never originates, so its own copy does not clash at once.
const lsa = signLsa({ kind: 'prefix', origin: Name.parse(cfg.routerName), seq: BigInt(Date.now()) * 1000n, lifetimeS: 120, part: 9, prefixes }, createPrivateKey(cfg.privateKeyPem));
const bytes = encode({ type: 'lsa', lsa });
for (const i of fabricInterfaces(cfg)) {
  const f = openFace(i.name);
  f.send(bytes);
  (f as { flush?: () => void }).flush?.();
  f.close();
}
console.log(`sent a prefix LSA (part 9) of ${cfg.routerName} with ${prefixes.map((p) => p.prefix.toString()).join(', ')} on ${fabricInterfaces(cfg).map((i) => i.name).join(', ')}`);
