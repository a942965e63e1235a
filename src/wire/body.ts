/**
 * The exact bytes a signature covers: the whole LsaBody TLV (type, length and value) of an LSA,
 * the whole AnnouncementBody TLV of an announcement, the whole PolicyBody TLV of a QoS policy,
 * the whole GrantBody TLV of a grant. The signature TLV follows the body inside the message and is not covered.
 */
import { encodeAnnouncementBody, encodeGrantBody, encodeLsaBody, encodePolicyBody, withEncoder } from './encode.js';
import type { UnsignedAnnouncement, UnsignedGrant, UnsignedLsa, UnsignedPolicy } from './preserved.js';

export function lsaBody(lsa: UnsignedLsa): Uint8Array {
  return withEncoder((e) => encodeLsaBody(e, lsa));
}

export function announcementBody(a: UnsignedAnnouncement): Uint8Array {
  return withEncoder((e) => encodeAnnouncementBody(e, a));
}

export function policyBody(p: UnsignedPolicy): Uint8Array {
  return withEncoder((e) => encodePolicyBody(e, p));
}

export function grantBody(g: UnsignedGrant): Uint8Array {
  return withEncoder((e) => encodeGrantBody(e, g));
}
