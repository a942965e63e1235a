/**
 * Pure: reads a pcap byte stream (what `tcpdump -w -` writes) chunk by chunk into frames.
 * Either byte order, micro- or nanosecond timestamps; Ethernet link type expected.
 */
export interface PcapFrame {
  /** Capture time in ms since the Unix epoch (fractional). */
  timeMs: number;
  /** Bytes as captured (from the Ethernet header on). */
  data: Uint8Array;
  /** Length on the wire (may exceed data.length when the snap length cut it). */
  wireLength: number;
}

export class PcapReader {
  private buf = Buffer.alloc(0);
  private little = true;
  private nano = false;
  private headerDone = false;

  /** Feeds bytes; returns the frames they completed. Throws on a stream that is not pcap. */
  push(chunk: Uint8Array): PcapFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: PcapFrame[] = [];
    if (!this.headerDone) {
      if (this.buf.length < 24) return out;
      const m = this.buf.readUInt32LE(0);
      if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) this.little = true;
      else if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) this.little = false;
      else throw new Error(`not a pcap stream (magic 0x${m.toString(16)})`);
      this.nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
      this.buf = this.buf.subarray(24);
      this.headerDone = true;
    }
    const u32 = (o: number) => (this.little ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o));
    while (this.buf.length >= 16) {
      const incl = u32(8);
      if (this.buf.length < 16 + incl) break;
      const sec = u32(0);
      const frac = u32(4);
      out.push({
        timeMs: sec * 1000 + (this.nano ? frac / 1e6 : frac / 1e3),
        data: Uint8Array.from(this.buf.subarray(16, 16 + incl)),
        wireLength: u32(12),
      });
      this.buf = this.buf.subarray(16 + incl);
    }
    return out;
  }
}
