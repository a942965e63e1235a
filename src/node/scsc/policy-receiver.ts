/**
 * A router's (SG or SR) end of policy pushes: a data request to <router>/policy carrying a
 * QosPolicy is offered to the router's policy store, which checks signature, version and
 * expiry and counts what it refused. Anything else is not ours (false). A payload that does
 * not decode as a policy is counted and dropped.
 */
import type { DataPacket } from '../../routing/forwarder.js';
import type { PolicyStore, PolicyVerdict } from '../../scheduling/index.js';
import { tryDecode } from '../../wire/index.js';
import type { Name } from '../../wire/name.js';
import type { Logger } from '../../util/log.js';
import { policyName } from './names.js';

export class PolicyReceiver {
  private readonly name: Name;
  malformed = 0;

  constructor(self: Name, readonly store: PolicyStore, private readonly now: () => number, private readonly log: Logger) {
    this.name = policyName(self);
  }

  receive(p: DataPacket): boolean {
    if (p.type !== 'request' || p.ack || !p.name.equals(this.name)) return false;
    const d = tryDecode(p.payload);
    if (!d.ok || d.message.type !== 'qos-policy') {
      this.malformed++;
      this.log.warn({ event: 'policy-malformed' }, 'policy push dropped: payload is not a QoS policy');
      return true;
    }
    const v: PolicyVerdict = this.store.offer(d.message, this.now());
    const f = v === 'installed' || v === 'duplicate' ? this.log.debug.bind(this.log) : this.log.warn.bind(this.log);
    f({ event: 'policy', verdict: v, origin: d.message.origin.toString(), version: d.message.version.toString() }, `policy ${v}`);
    return true;
  }
}
