/**
 * An SG's relay to its SPA for a node that has no SPA link of its own (the SCSC, which
 * originates /damc/scsc itself): a single-segment request named <sg>/spa carrying an
 * auth-request goes to the SPA as it is; the SPA's answers to that request id come back to the
 * requester as single-segment responses of the same name. The SG vouches for nothing: the SPA
 * checks the announcement's signature against the announcing node's own key and grants the
 * prefix to that node as its own gateway (spa-node.ts), and routers check the grant as any.
 */
import type { DataPacket } from '../../routing/forwarder.js';
import type { RouterCore } from '../../routing/router.js';
import { encode, tryDecode, type AuthRequest, type AuthResponse } from '../../wire/index.js';
import type { Name } from '../../wire/name.js';
import { spaRelayName } from '../scsc/names.js';

/** How long the SPA's answers to a relayed request are still taken back. */
const HOLD_MS = 10_000;

export class SpaRelay {
  readonly counters = { relayRx: 0, relayMalformed: 0, relayNoSpa: 0, relayBack: 0 };
  private readonly name: Name;
  private readonly pending = new Map<bigint, { requester: Name; dataId: bigint; at: number }>();

  constructor(private readonly core: RouterCore, private readonly toSpa: (r: AuthRequest) => boolean, private readonly now: () => number) {
    this.name = spaRelayName(core.name);
  }

  /** A relay request (true), else false. */
  receive(p: DataPacket): boolean {
    if (p.type !== 'request' || p.ack || !p.name.equals(this.name)) return false;
    this.counters.relayRx++;
    const d = tryDecode(p.payload);
    if (!d.ok || d.message.type !== 'auth-request') {
      this.counters.relayMalformed++;
      return true;
    }
    const now = this.now();
    for (const [id, x] of this.pending) if (now - x.at > HOLD_MS) this.pending.delete(id);
    this.pending.set(d.message.requestId, { requester: p.requester, dataId: p.requestId, at: now });
    if (!this.toSpa(d.message)) this.counters.relayNoSpa++;
    return true;
  }

  /** An SPA answer the registrar did not ask for: ours to take back (true), or not. */
  answered(m: AuthResponse): boolean {
    const x = this.pending.get(m.requestId);
    if (!x) return false;
    this.counters.relayBack++;
    this.core.originateData({
      type: 'response', name: this.name, requester: x.requester, requestId: x.dataId, status: 200,
      hopLimit: 32, segIndex: 0, segCount: 1, payload: encode(m),
    });
    return true;
  }
}
