/**
 * The exact bytes a signature covers: the whole LsaBody TLV (type, length and value) of an LSA,
 * the whole AnnouncementBody TLV of an announcement. The signature TLV follows the body inside
 * the message and is not covered.
 */
import { encodeAnnouncementBody, encodeLsaBody, withEncoder } from './encode.js';
import type { UnsignedAnnouncement, UnsignedLsa } from './preserved.js';

export function lsaBody(lsa: UnsignedLsa): Uint8Array {
  return withEncoder((e) => encodeLsaBody(e, lsa));
}

export function announcementBody(a: UnsignedAnnouncement): Uint8Array {
  return withEncoder((e) => encodeAnnouncementBody(e, a));
}
