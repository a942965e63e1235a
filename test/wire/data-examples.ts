/**
 * Examples of the service data plane's fields (PROTOCOL.md section 6.1): a response segment
 * naming its responder, and the two acks. data-examples.test.ts checks the doc's hex is their encoding.
 */
import { Name, type Message } from '../../src/wire/index.js';

const n = (s: string): Name => Name.parse(s);

export const dataExamples: Record<string, Message> = {
  'response-segment': {
    type: 'response', name: n('/B/4'), requester: n('/damc/router/sg1'), requestId: 42n, hopLimit: 32,
    segIndex: 1, segCount: 3, status: 200, payload: Uint8Array.of(0x68, 0x69), responder: n('/damc/router/sg4'),
  },
  'request-ack': {
    type: 'response', name: n('/B/4'), requester: n('/damc/router/sg1'), requestId: 42n, hopLimit: 32,
    segIndex: 0, segCount: 1, status: 0, payload: new Uint8Array(), responder: n('/damc/router/sg4'),
    ack: { below: 2, bits: Uint8Array.of(0x05) },
  },
  'response-ack': {
    type: 'request', name: n('/damc/router/sg4'), requester: n('/damc/router/sg1'), requestId: 42n, hopLimit: 32,
    segIndex: 0, segCount: 1, payload: new Uint8Array(), ack: { below: 3, bits: new Uint8Array() },
  },
};
