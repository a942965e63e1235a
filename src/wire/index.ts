/** The DAMC wire format: what other folders may import from src/wire. See PROTOCOL.md. */
export * from './messages.js';
export { Name, NameSyntaxError, bytesEqual } from './name.js';
export { encode, prefixEntrySize } from './encode.js';
export { decode, tryDecode, type DecodeResult } from './decode.js';
export { DecodeError, type DecodeErrorCode } from './tlv-decoder.js';
export { lsaBody, announcementBody, policyBody, grantBody } from './body.js';
export type { UnsignedLsa, UnsignedAnnouncement, UnsignedPolicy, UnsignedGrant } from './preserved.js';
export {
  signLsa,
  verifyLsa,
  signAnnouncement,
  signPolicy,
  verifyPolicy,
  verifyAnnouncement,
  signGrant,
  verifyGrant,
  publicKeyFromRaw,
  rawPublicKey,
} from './sign.js';
export { scanData, type DataScan } from './data-scan.js';
export { decrementHopLimit, hopLimitOffset, maxDataPayload, DATA_FIXED_OVERHEAD } from './hop-limit.js';
export { PROTOCOL_VERSION, isCritical } from './types.js';
