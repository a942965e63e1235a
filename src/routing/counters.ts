/** Everything the router counts; every drop has a counter (the ctl's `counters` shows them). */
export const COUNTER_NAMES = [
  'helloRx', 'helloTx', 'helloUnknownRouter', 'helloLate',
  'lsaRx', 'lsaNew', 'lsaDuplicate', 'lsaFlushed', 'lsaOriginated', 'lsaRetransmits', 'lsaExpired',
  'lsaDropOlder', 'lsaDropUnsigned', 'lsaDropBadSignature', 'lsaDropUnknownOrigin', 'lsaOwnNewerSeen',
  'lsaSameBytes', 'lsaAnsweredOlder',
  'ackRx', 'summaryRx', 'requestRx',
  'spfRuns', 'spfSkipped', 'lateMsForgiven',
  'dataRx', 'dataForwarded', 'dataDelivered', 'dataDropNoRoute', 'dataDropHopLimit', 'dataDropSendFailed', 'nackTx',
  // the SG's transport: segments sent again (their ack did not come in time)
  'dataRetransmitted',
  'decodeErrors', 'unexpectedMessages', 'routingOffFabric',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type RouterCounters = Record<CounterName, number>;

export function newCounters(): RouterCounters {
  return Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as RouterCounters;
}
