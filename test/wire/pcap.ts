/** Writes a classic libpcap file (linktype 1, Ethernet) from frames; enough for tshark tests. */
import { DAMC_ETHERTYPE } from '../../src/wire/index.js';

/** An Ethernet II frame: dst, src, EtherType 0x88B5, payload. */
export function ethernetFrame(payload: Uint8Array, dst = [0x02, 0, 0, 0, 0, 2], src = [0x02, 0, 0, 0, 0, 1]): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = DAMC_ETHERTYPE >> 8;
  f[13] = DAMC_ETHERTYPE & 0xff;
  f.set(payload, 14);
  return f;
}

export function pcapFile(frames: readonly Uint8Array[], startSec = 1_700_000_000): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0); // magic, microsecond timestamps
  global.writeUInt16LE(2, 4); // version 2.4
  global.writeUInt16LE(4, 6);
  global.writeInt32LE(0, 8); // thiszone
  global.writeUInt32LE(0, 12); // sigfigs
  global.writeUInt32LE(65535, 16); // snaplen
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts: Buffer[] = [global];
  frames.forEach((f, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(startSec + i, 0);
    rec.writeUInt32LE(0, 4);
    rec.writeUInt32LE(f.length, 8); // captured length
    rec.writeUInt32LE(f.length, 12); // original length
    parts.push(rec, Buffer.from(f));
  });
  return Buffer.concat(parts);
}
