/**
 * Pure: one captured frame as one line a person reads (`lab capture --decode`): time,
 * direction, message type, the names in it, sequence number and hop limit, decoded by the
 * project's own codec. Frames that are not DAMC show their EtherType; malformed DAMC frames
 * say what the decoder found.
 */
import { tryDecode, type Message } from '../wire/index.js';
import type { PcapFrame } from './pcap-stream.js';

export const DAMC_ETHERTYPE = 0x88b5;

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

function clock(ms: number): string {
  const d = new Date(Math.floor(ms));
  const us = Math.round((ms % 1000) * 1000).toString().padStart(6, '0');
  return `${d.toISOString().slice(11, 19)}.${us}`;
}

/** The message's own words: its names, then seq= and hop= when it has them. */
export function describeMessage(m: Message): string {
  switch (m.type) {
    case 'hello':
      return `${m.router} on ${m.iface} hears [${m.neighbors.join(' ')}]`;
    case 'lsa': {
      const l = m.lsa;
      const what = l.kind === 'adjacency' ? l.neighbors.map((n) => `${n.neighbor}:${n.cost}`) : l.prefixes.map((p) => p.prefix.toString());
      return `${l.kind} ${l.origin}${l.part ? ` part=${l.part}` : ''} [${what.join(' ')}] seq=${l.seq} lifetime=${l.lifetimeS}s`;
    }
    case 'lsa-ack':
      return m.acks.map((a) => `${a.kind} ${a.origin} seq=${a.seq}`).join(', ');
    case 'db-summary':
      return `${m.headers.map((a) => `${a.kind} ${a.origin} seq=${a.seq}`).join(', ')}${m.last ? ' (last)' : ''}`;
    case 'lsa-request':
      return m.wanted.map((w) => `${w.kind} ${w.origin}`).join(', ');
    case 'prefix-announcement':
      return `${m.action} ${m.pod} [${m.prefixes.join(' ')}]`;
    case 'auth-request':
      return `${m.gateway} for ${m.announcement.pod} [${m.announcement.prefixes.join(' ')}] id=${m.requestId}`;
    case 'auth-response':
      return `${m.accepted ? 'accepted' : `rejected ${m.reason ?? ''}`} [${m.prefixes.join(' ')}] id=${m.requestId}`;
    case 'announcement-result':
      return `${m.pod} ${m.accepted ? 'accepted' : `rejected ${m.reason ?? ''}`} [${m.prefixes.join(' ')}]`;
    case 'qos-telemetry':
      return `${m.reporter} [${m.entries.map((e) => e.target.toString()).join(' ')}]`;
    case 'qos-policy':
      return `${m.origin} [${m.entries.map((e) => e.prefix.toString()).join(' ')}] version=${m.version}`;
    case 'request':
      return `${m.name} from ${m.requester} id=${m.requestId} seg=${m.segIndex}/${m.segCount} hop=${m.hopLimit}`;
    case 'response':
      return `${m.name} to ${m.requester} status=${m.status} id=${m.requestId} hop=${m.hopLimit}`;
    case 'nack':
      return `${m.name} to ${m.requester} ${m.reason} from ${m.reporter} id=${m.requestId} hop=${m.hopLimit}`;
  }
}

/** `ownMac`: the capturing interface's address, so frames it sent read "out". */
export function frameLine(f: PcapFrame, ownMac: string | undefined): string {
  const d = f.data;
  if (d.length < 14) return `${clock(f.timeMs)} ?   runt frame of ${d.length} bytes`;
  const src = hex(d.subarray(6, 12));
  const dir = ownMac === undefined ? '?  ' : src === ownMac.toLowerCase() ? 'out' : 'in ';
  const type = (d[12]! << 8) | d[13]!;
  if (type !== DAMC_ETHERTYPE) return `${clock(f.timeMs)} ${dir} ethertype 0x${type.toString(16).padStart(4, '0')} ${f.wireLength} bytes from ${src}`;
  const r = tryDecode(d.subarray(14));
  if (!r.ok) return `${clock(f.timeMs)} ${dir} malformed ${r.error.code}: ${r.error.message}`;
  return `${clock(f.timeMs)} ${dir} ${r.message.type} ${describeMessage(r.message)}`;
}
