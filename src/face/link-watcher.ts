/**
 * Carrier changes of the interfaces in this network namespace, pushed by the kernel
 * (NETLINK_ROUTE, RTMGRP_LINK) through the addon, so a router can drop an adjacency within
 * milliseconds of `ip link set eth1 down` on either end of a veth (the other end loses its
 * carrier). Only real changes are reported: the kernel also sends link messages for MTU,
 * address or statistics changes, which are filtered out here.
 *
 * An open watcher keeps the Node event loop alive; close() releases it.
 */
import type { LinkWatcher } from './face.js';
import { interfaceState, listInterfaces } from './interface-state.js';
import { native, type NativeLinkEvent } from './native-binding.js';
import { here, type Within } from './netns.js';

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const IFF_LOWER_UP = 0x10000;

export type LinkChangeHandler = (ifname: string, up: boolean) => void;

export interface LinkStateWatcher extends LinkWatcher {
  /** Last known state of an interface (undefined if it does not exist). */
  isUp(ifname: string): boolean | undefined;
}

/** `within`: the namespace to watch (default this process's; see netns.ts). */
export function watchLinks(within: Within = here): LinkStateWatcher {
  return new NetlinkLinkWatcher(within);
}

/** Up = administratively up, carrier present and operationally running. */
export function linkUpFromFlags(flags: number): boolean {
  return (flags & IFF_UP) !== 0 && (flags & IFF_RUNNING) !== 0 && (flags & IFF_LOWER_UP) !== 0;
}

class NetlinkLinkWatcher implements LinkStateWatcher {
  private readonly handlers: LinkChangeHandler[] = [];
  private readonly state = new Map<string, boolean>();
  private readonly monitor: { close(): void };
  private closed = false;

  constructor(private readonly within: Within) {
    // Subscribe first, then read the current state: a change in between is seen twice at
    // worst (and filtered), never missed.
    this.monitor = within(() => new (native().LinkMonitor)((events) => this.onEvents(events)));
    this.resync(false);
  }

  onChange(handler: LinkChangeHandler): void {
    this.handlers.push(handler);
  }

  isUp(ifname: string): boolean | undefined {
    return this.state.get(ifname);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.monitor.close();
  }

  private onEvents(events: NativeLinkEvent[] | null): void {
    if (events === null) return this.resync(true); // kernel overflowed our socket: re-read all
    for (const [ifname, flags, , deleted] of events) {
      if (deleted) {
        const was = this.state.get(ifname);
        this.state.delete(ifname);
        if (was) this.emit(ifname, false);
      } else {
        this.set(ifname, linkUpFromFlags(flags), true);
      }
    }
  }

  private resync(emit: boolean): void {
    const seen = new Set<string>();
    const now = this.within(() => listInterfaces().map((name) => {
      try {
        return [name, interfaceState(name).up] as const;
      } catch {
        return undefined; // vanished between listing and reading; its RTM_DELLINK follows
      }
    }));
    for (const x of now) {
      if (!x) continue;
      this.set(x[0], x[1], emit);
      seen.add(x[0]);
    }
    for (const name of [...this.state.keys()]) {
      if (!seen.has(name)) {
        const was = this.state.get(name);
        this.state.delete(name);
        if (was && emit) this.emit(name, false);
      }
    }
  }

  private set(ifname: string, up: boolean, emit: boolean): void {
    const was = this.state.get(ifname);
    this.state.set(ifname, up);
    // A newly appearing interface is reported only when it is up.
    if (emit && was !== up && (was !== undefined || up)) this.emit(ifname, up);
  }

  private emit(ifname: string, up: boolean): void {
    for (const h of this.handlers) h(ifname, up);
  }
}
