/**
 * What a face needs to know about an interface before and while using it, read from the
 * kernel of the current network namespace. A missing interface is answered with the names
 * that do exist, so a typo in a topology is obvious.
 */
import { LabError } from '../util/errors.js';
import { native } from './native-binding.js';

export interface InterfaceState {
  ifname: string;
  ifindex: number;
  /** Largest payload (bytes after the Ethernet header). */
  mtu: number;
  mac: Uint8Array;
  /** Administratively up (`ip link set X up`). */
  adminUp: boolean;
  /** Admin up and the carrier is present (IFF_RUNNING): frames can flow. */
  up: boolean;
}

export function interfaceState(ifname: string): InterfaceState {
  const addon = native();
  try {
    const i = addon.interfaceInfo(ifname);
    return {
      ifname,
      ifindex: i.ifindex,
      mtu: i.mtu,
      mac: new Uint8Array(i.mac),
      adminUp: i.up,
      up: i.up && i.running,
    };
  } catch (e) {
    if ((e as { code?: string }).code === 'ENODEV') {
      throw new LabError(
        'FACE_NO_INTERFACE',
        `interface ${ifname} does not exist in this network namespace`,
        `interfaces here are: ${listInterfaces().join(', ')}`,
        { cause: e },
      );
    }
    throw e;
  }
}

export function listInterfaces(): string[] {
  return native().listInterfaces();
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}
