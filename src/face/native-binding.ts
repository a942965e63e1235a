/**
 * Typed access to the damc_face N-API addon (src/face/native). The .node file is found
 * relative to this compiled module (dist/src/face/ → src/face/native/build/Release/), never by
 * an absolute path, because the same tree is also mounted read-only at /opt/damc inside the
 * lab's containers.
 */
import { createRequire } from 'node:module';
import { LabError } from '../util/errors.js';

export interface NativeInterfaceInfo {
  ifindex: number;
  mtu: number;
  mac: ArrayBuffer;
  up: boolean;
  running: boolean;
}

export interface NativePacketSocket {
  /** Sends `count` frames lying back to back in buf; returns how many were consumed. */
  sendBatch(buf: Uint8Array, lens: Uint32Array, count: number): number;
  /** [rxFrames, rxBytes, txFrames, txBytes, rxKernelDrops, txErrors, rxTruncated, rxOwn,
   *  rxErrors, lastTxErrno, kernel receive buffer bytes (SO_RCVBUF), frames dropped for want of memory] */
  stats(): Float64Array;
  close(): void;
}

/** One call per received batch: [u32 offset, u32 length] × count, then the frames. */
export type NativeFramesCallback = (batch: ArrayBuffer, count: number) => void;

/** [ifname, ifi_flags, ifindex, deleted]; null when the kernel dropped events (resync). */
export type NativeLinkEvent = [string, number, number, boolean];

export interface NativeAddon {
  interfaceInfo(ifname: string): NativeInterfaceInfo;
  listInterfaces(): string[];
  PacketSocket: new (
    ifindex: number,
    slotSize: number,
    rcvbuf: number,
    sndbuf: number,
    onFrames: NativeFramesCallback,
    onWritable: () => void,
    /** 0: recvmmsg; otherwise the TPACKET_V3 ring's size in bytes */
    ringBytes: number,
    /** ring block retire timeout in ms (ring mode only) */
    ringTimeoutMs: number,
    /** 3: TPACKET_V3 block ring (default); 2: TPACKET_V2 frame ring */
    ringVersion?: 2 | 3,
  ) => NativePacketSocket;
  LinkMonitor: new (onEvents: (events: NativeLinkEvent[] | null) => void) => { close(): void };
  /** Moves the main thread into the network namespace of an open /proc/<pid>/ns/net fd (setns). */
  setNetns(fd: number): void;
  /** The link monitor's parser over given netlink bytes (for tests: malformed input). */
  parseLinkMessages(bytes: Uint8Array): NativeLinkEvent[];
}

const ADDON_PATH = '../../../src/face/native/build/Release/damc_face.node';

let cached: NativeAddon | undefined;

export function native(): NativeAddon {
  if (cached) return cached;
  try {
    cached = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (e) {
    throw new LabError(
      'FACE_ADDON_MISSING',
      `the raw-frame addon src/face/native/build/Release/damc_face.node could not be loaded: ${(e as Error).message}`,
      'build it with `npm run build:native` (needs make, g++ and the Node headers)',
      { cause: e },
    );
  }
  return cached;
}
