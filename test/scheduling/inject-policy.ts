/**
 * Run inside a router's (or the SCSC's) container: sends one hand-made QoS policy to a router's
 * policy name (<router>/policy), the way the SCSC pushes them, out of the link to that router if
 * there is one, else out of every fabric link (the FIB takes it on).
 *   node /opt/damc/dist/test/scheduling/inject-policy.js <target node> own|as-scsc|expired
 * own: this node's name and key (a trusted router, no SCSC); as-scsc: the SCSC's name, this
 * node's key (a forgery); expired: this node's name and key, already expired (run in the SCSC).
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openFace } from '../../src/face/index.js';
import { NODE_CONFIG_PATH, type NodeConfig } from '../../src/node/config.js';
import { fabricInterfaces } from '../../src/node/router-node.js';
import { policyName } from '../../src/node/scsc/names.js';
import { encode, Name, signPolicy } from '../../src/wire/index.js';

const [target = '', mode = ''] = process.argv.slice(2);
const cfg = JSON.parse(readFileSync(NODE_CONFIG_PATH, 'utf8')) as NodeConfig;
const targetName = Object.entries(cfg.routerNodes).find(([, node]) => node === target)?.[0];
if (!targetName || !['own', 'as-scsc', 'expired'].includes(mode)) {
  console.error(`usage: inject-policy.js <router node> own|as-scsc|expired (routers: ${Object.values(cfg.routerNodes).join(', ')})`);
  process.exit(2);
}
const scsc = Object.keys(cfg.scscKeys ?? {})[0];
if (mode === 'as-scsc' && !scsc) throw new Error('as-scsc: this node\'s config names no SCSC (scscKeys); run it on an SG or SR');
const origin = Name.parse(mode === 'as-scsc' ? scsc! : cfg.routerName);
const now = Date.now();
const policy = signPolicy({
  type: 'qos-policy', origin, version: BigInt(now) * 1000n + 999n, expires: mode === 'expired' ? now - 1000 : now + 60_000,
  entries: [{ prefix: Name.parse('/B'), instances: [{ name: Name.parse('/B/1'), weight: 0 }], nexthops: [] }],
}, createPrivateKey(cfg.privateKeyPem));
const bytes = encode({
  type: 'request', name: policyName(Name.parse(targetName)), requester: Name.parse(cfg.routerName), requestId: randomBytes(8).readBigUInt64BE(),
  hopLimit: 32, segIndex: 0, segCount: 1, payload: encode(policy),
});
const direct = fabricInterfaces(cfg).filter((i) => i.peerNode === target);
const ifaces = direct.length > 0 ? direct : fabricInterfaces(cfg);
for (const i of ifaces) {
  const f = openFace(i.name);
  f.send(bytes);
  (f as { flush?: () => void }).flush?.();
  f.close();
}
console.log(`sent a ${mode} policy of ${origin.toString()} to ${policyName(Name.parse(targetName)).toString()} on ${ifaces.map((i) => i.name).join(', ')}`);
