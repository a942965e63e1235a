/**
 * A face is where a router meets one link: it sends and receives DAMC payloads (the bytes
 * after the Ethernet header; EtherType 0x88B5) and reports what it counted. A raw AF_PACKET
 * socket, an in-memory bridge and a test double all implement this one interface, so the
 * router cannot tell them apart.
 */
export interface FaceCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  /** Frames the kernel dropped before we read them (ring/socket buffer full). */
  rxKernelDrops: number;
  /** Frames that could not be sent (queue full, link down, too big). */
  txErrors: number;
}

export type FrameHandler = (payload: Uint8Array, srcMac: Uint8Array) => void;

export interface Face {
  /** Interface name, e.g. eth1. */
  readonly ifname: string;
  /** The interface's own MAC address (6 bytes). */
  readonly mac: Uint8Array;
  /** Largest payload send() accepts (link MTU). */
  readonly mtu: number;
  /**
   * Queues one payload for transmission to the link's other end (broadcast destination on
   * point-to-point links). Returns false when the frame was dropped (and counted).
   */
  send(payload: Uint8Array): boolean;
  /**
   * Receives every frame of EtherType 0x88B5 that arrives on the interface, never the
   * face's own transmissions. The payload stays valid after the call (memory is not reused).
   */
  onReceive(handler: FrameHandler): void;
  counters(): FaceCounters;
  close(): void;
}

/** Carrier (oper-state) changes of interfaces in the current network namespace. */
export interface LinkWatcher {
  onChange(handler: (ifname: string, up: boolean) => void): void;
  close(): void;
}
