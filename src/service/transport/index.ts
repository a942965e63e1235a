export { Transport, TransportError, DEFAULT_TRANSPORT, type TransportDeps, type TransportParameters, type TransportErrorCode, type IncomingRequest, type ExchangeResult, type TransportEvent } from './endpoint.js';
export { RttEstimator, DEFAULT_RTT, type RttParameters } from './rtt-estimator.js';
export { SegmentSender, SegmentLostError, DEFAULT_SENDER, type SenderParameters } from './sender.js';
export { SegmentReceiver, DEFAULT_ACK, type AckPolicy } from './receiver.js';
export { split, acked, Reassembly, ACK_BITS } from './segments.js';
