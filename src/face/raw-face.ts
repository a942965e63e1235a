/**
 * The real face: Ethernet frames of EtherType 0x88B5 on a named interface, through the
 * damc_face addon (AF_PACKET socket, recvmmsg/sendmmsg, libuv poll).
 *
 * Sending: send() copies the frame (header + payload) into a transmit queue and returns; the
 * queue goes to the kernel in one sendmmsg batch once per event-loop turn (setImmediate), or
 * at once when it fills. Receiving: the addon calls us once per batch with one fresh
 * ArrayBuffer; each payload handed on is a view into it, so it stays valid forever (a payload
 * kept for long keeps its batch's buffer alive; copy it if you store many).
 *
 * An open face keeps the Node event loop alive (like a listening server); close() lets the
 * process exit.
 */
import { LabError } from '../util/errors.js';
import type { Face, FaceCounters, FrameHandler } from './face.js';
import { interfaceState } from './interface-state.js';
import { native, type NativePacketSocket } from './native-binding.js';

export const DAMC_ETHERTYPE = 0x88b5;
const ETH_HLEN = 14;
/** Transmit queue a face starts with (it grows to txQueueBytes while the kernel is full). */
const INITIAL_QUEUE = 64 << 10;

export interface OpenFaceOptions {
  /**
   * Kernel receive buffer: how large a burst is absorbed while this process is busy or not
   * scheduled (a 1500-byte frame costs about 2.3 KiB of it). Default 16 MiB; kernel memory is
   * only used while frames wait. Needs CAP_NET_ADMIN to exceed net.core.rmem_max; without it
   * the kernel caps it silently (see RawFaceCounters.rcvbufBytes for what was granted).
   */
  rcvbufBytes?: number;
  /** Kernel send buffer. Default 4 MiB. */
  sndbufBytes?: number;
  /**
   * Receive through a TPACKET_V3 ring of this many bytes instead of recvmmsg (0, the
   * default). Cheaper per frame under load, but a lone frame waits up to ringTimeoutMs and the
   * ring's memory stays pinned while the face is open. See the README's face notes.
   */
  rxRingBytes?: number;
  /** Ring block retire timeout (ms, ≥ 1). Default 1. */
  ringTimeoutMs?: number;
  /**
   * Receive through a TPACKET_V2 ring of this many bytes instead (fixed slots: the power of
   * two above MTU + 128, 2 KiB at MTU 1500, 16 KiB at 9000): the kernel copies each frame into the ring and frees it in its softirq, with no
   * per-frame system call, and a frame is readable as soon as it is copied (no block timer).
   * A burst larger than the ring is dropped (rxKernelDrops). Ignored when rxRingBytes is set.
   */
  rxFrameRingBytes?: number;
  /** Largest transmit queue between two flushes (it starts at 64 KiB and grows while the kernel
   *  is full). Default 1 MiB; send() fails when it is full. */
  txQueueBytes?: number;
}

/** FaceCounters plus what only a raw face can see. */
export interface RawFaceCounters extends FaceCounters {
  /** Frames larger than the receive slot (MTU raised after open) or shorter than a header. */
  rxTruncated: number;
  /** Own transmissions filtered in user space (0 when PACKET_IGNORE_OUTGOING works). */
  rxOwnFiltered: number;
  /** errno of the last failed transmission (0 if none). */
  lastTxErrno: number;
  /** Receive errors the socket reported (e.g. ENETDOWN once after a link flap). */
  rxErrors: number;
  /** Kernel receive buffer actually granted (SO_RCVBUF; the kernel reports twice the request). */
  rcvbufBytes: number;
  /** Frames read from the kernel and then dropped, never counted in rxFrames: no memory for the
   *  batch (addon), or no receive handler yet (face). */
  rxDropped: number;
}

export interface RawFace extends Face {
  counters(): RawFaceCounters;
  /** Pushes queued frames to the kernel now instead of at the end of this event-loop turn. */
  flush(): void;
}

export function openFace(ifname: string, opts: OpenFaceOptions = {}): RawFace {
  const st = interfaceState(ifname);
  const addon = native();
  let face: RawFaceImpl | undefined;
  let sock: NativePacketSocket;
  try {
    sock = new addon.PacketSocket(
      st.ifindex,
      Math.min(Math.max(st.mtu, 1500), 65536) + ETH_HLEN + 4,
      opts.rcvbufBytes ?? 16 << 20,
      opts.sndbufBytes ?? 4 << 20,
      (batch, count) => face?.deliver(batch, count),
      () => face?.writable(),
      opts.rxRingBytes || opts.rxFrameRingBytes || 0,
      opts.ringTimeoutMs ?? 1,
      opts.rxRingBytes ? 3 : 2,
    );
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EPERM' || code === 'EACCES') {
      throw new LabError(
        'FACE_PERMISSION',
        `opening a raw socket on ${ifname} was refused: it needs CAP_NET_RAW`,
        'run as root, or give the process/container CAP_NET_RAW (docker: --cap-add NET_RAW)',
        { cause: e },
      );
    }
    throw new LabError('FACE_OPEN', `could not open a raw socket on ${ifname}: ${(e as Error).message}`,
      undefined, { cause: e });
  }
  face = new RawFaceImpl(ifname, st.mac, st.mtu, sock, opts.txQueueBytes ?? 1 << 20);
  return face;
}

class RawFaceImpl implements RawFace {
  private handler: FrameHandler | undefined;
  private queue: Uint8Array;
  private lens: Uint32Array;
  private queued = 0;
  private queuedBytes = 0;
  private flushScheduled = false;
  private waitingWritable = false;
  private jsTxErrors = 0;
  private rxUnhandled = 0;
  private rxUnhandledBytes = 0;
  private closed = false;
  private last: RawFaceCounters | undefined;
  private readonly header = new Uint8Array(ETH_HLEN);

  constructor(
    readonly ifname: string,
    readonly mac: Uint8Array,
    readonly mtu: number,
    private readonly sock: NativePacketSocket,
    private readonly maxQueueBytes: number,
  ) {
    // The queue starts small and grows (to maxQueueBytes) only while the kernel does not take
    // what we send: a router's control traffic never needs more, and a shared router process
    // holds ~500 faces (at 1 MiB each, zeroed, they were 5 MiB of every router's memory).
    this.queue = new Uint8Array(Math.max(Math.min(INITIAL_QUEUE, maxQueueBytes), mtu + ETH_HLEN));
    this.lens = new Uint32Array(Math.ceil(this.queue.length / (ETH_HLEN + 1)));
    this.header.fill(0xff, 0, 6); // broadcast: every fabric link is point to point
    this.header.set(mac, 6);
    this.header[12] = DAMC_ETHERTYPE >> 8;
    this.header[13] = DAMC_ETHERTYPE & 0xff;
  }

  send(payload: Uint8Array): boolean {
    const len = ETH_HLEN + payload.length;
    if (this.closed || payload.length > this.mtu) {
      this.jsTxErrors++;
      return false;
    }
    if (this.queuedBytes + len > this.queue.length || this.queued === this.lens.length) {
      this.flush();
      if ((this.queuedBytes + len > this.queue.length || this.queued === this.lens.length) && !this.grow(this.queuedBytes + len)) {
        this.jsTxErrors++; // the kernel would not take more: queue full
        return false;
      }
    }
    this.queue.set(this.header, this.queuedBytes);
    this.queue.set(payload, this.queuedBytes + ETH_HLEN);
    this.lens[this.queued++] = len;
    this.queuedBytes += len;
    if (!this.flushScheduled && !this.waitingWritable) {
      this.flushScheduled = true;
      setImmediate(this.scheduledFlush);
    }
    return true;
  }

  /** Doubles the queue (keeping what it holds) until `need` bytes fit; false at the maximum. */
  private grow(need: number): boolean {
    if (this.queue.length >= this.maxQueueBytes) return false;
    let size = this.queue.length;
    while (size < need || size < 2 * this.queue.length) size *= 2;
    size = Math.min(size, this.maxQueueBytes);
    if (size < need) return false;
    const q = new Uint8Array(size);
    q.set(this.queue.subarray(0, this.queuedBytes));
    const l = new Uint32Array(Math.ceil(size / (ETH_HLEN + 1)));
    l.set(this.lens.subarray(0, this.queued));
    this.queue = q;
    this.lens = l;
    return true;
  }

  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  flush(): void {
    if (this.closed || this.queued === 0 || this.waitingWritable) return;
    const done = this.sock.sendBatch(this.queue.subarray(0, this.queuedBytes), this.lens, this.queued);
    if (done === this.queued) {
      this.queued = 0;
      this.queuedBytes = 0;
      return;
    }
    // Socket buffer full: keep the rest, the addon calls writable() when it drains.
    let bytes = 0;
    for (let i = 0; i < done; i++) bytes += this.lens[i] ?? 0;
    this.queue.copyWithin(0, bytes, this.queuedBytes);
    this.lens.copyWithin(0, done, this.queued);
    this.queued -= done;
    this.queuedBytes -= bytes;
    this.waitingWritable = true;
  }

  writable(): void {
    this.waitingWritable = false;
    this.flush();
  }

  onReceive(handler: FrameHandler): void {
    this.handler = handler;
  }

  deliver(batch: ArrayBuffer, count: number): void {
    const h = this.handler;
    const index = new Uint32Array(batch, 0, count * 2);
    if (!h) {
      this.rxUnhandled += count;
      for (let i = 0; i < count; i++) this.rxUnhandledBytes += index[2 * i + 1] ?? 0;
      return;
    }
    const bytes = new Uint8Array(batch);
    for (let i = 0; i < count; i++) {
      const off = index[2 * i] ?? 0;
      const len = index[2 * i + 1] ?? 0;
      h(bytes.subarray(off + ETH_HLEN, off + len), bytes.subarray(off + 6, off + 12));
    }
  }

  counters(): RawFaceCounters {
    if (this.closed && this.last) return { ...this.last };
    const s = this.sock.stats();
    const c: RawFaceCounters = {
      rxFrames: s[0] ?? 0,
      rxBytes: s[1] ?? 0,
      txFrames: s[2] ?? 0,
      txBytes: s[3] ?? 0,
      rxKernelDrops: s[4] ?? 0,
      txErrors: (s[5] ?? 0) + this.jsTxErrors,
      rxTruncated: s[6] ?? 0,
      rxOwnFiltered: s[7] ?? 0,
      lastTxErrno: s[9] ?? 0,
      rxErrors: s[8] ?? 0,
      rcvbufBytes: s[10] ?? 0,
      rxDropped: (s[11] ?? 0) + this.rxUnhandled,
    };
    // Frames dropped for want of a handler came in through the addon's count: take them out.
    c.rxFrames -= this.rxUnhandled;
    c.rxBytes -= this.rxUnhandledBytes;
    if (this.closed) this.last = c;
    return c;
  }

  close(): void {
    if (this.closed) return;
    this.flush(); // best effort: what the kernel takes now still goes out
    this.closed = true;
    this.jsTxErrors += this.queued; // never sent
    this.queued = 0;
    this.sock.close();
    this.last = undefined;
    this.counters();
  }
}
