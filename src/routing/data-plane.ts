/**
 * What a router does with a data packet once the forwarding decision is made: deliver it here,
 * send it on, or drop it — counting each, and answering an undeliverable request with a Nack
 * toward its requester so the requester need not time out.
 */
import type { DataRequest, Message, Nack, Name } from '../wire/index.js';
import type { RouterCounters } from './counters.js';
import type { NameTrie } from './fib.js';
import { decide, routingName, type DataPacket } from './forwarder.js';
import type { RibEntry } from './spf.js';
import type { RouterEvent } from './types.js';

const NACK_HOP_LIMIT = 32;

export interface DataPlaneDeps {
  readonly name: Name;
  readonly counters: RouterCounters;
  readonly fib: NameTrie<RibEntry>;
  readonly send: (iface: string, msg: Message) => boolean;
  readonly deliver?: (p: DataPacket, fromIface: string | undefined) => void;
  readonly onEvent?: (e: RouterEvent) => void;
}

/** `fromIface` undefined: the router itself originates the packet. */
export function forwardPacket(d: DataPlaneDeps, p: DataPacket, fromIface: string | undefined): void {
  const r = decide(d.fib, p, fromIface);
  const c = d.counters;
  if (r.action === 'deliver') {
    c.dataDelivered++;
    d.deliver?.(p, fromIface);
    return;
  }
  if (r.action === 'send') {
    if (d.send(r.nexthop.iface, { ...p, hopLimit: r.hopLimit })) c.dataForwarded++;
    else c.dataDropSendFailed++;
    return;
  }
  if (r.reason === 'no-route') c.dataDropNoRoute++;
  else c.dataDropHopLimit++;
  d.onEvent?.({ type: 'data-drop', reason: r.reason, name: routingName(p), iface: fromIface });
  if (p.type === 'request' && fromIface !== undefined) nack(d, p, r.reason);
}

function nack(d: DataPlaneDeps, p: DataRequest, reason: Nack['reason']): void {
  d.counters.nackTx++;
  forwardPacket(d, {
    type: 'nack', name: p.name, requester: p.requester, requestId: p.requestId,
    reason, hopLimit: NACK_HOP_LIMIT, reporter: d.name,
  }, undefined);
}
