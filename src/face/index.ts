/** Frame I/O on one link: the Face contract, the real AF_PACKET face and link watching. */
export type { Face, FaceCounters, FrameHandler, LinkWatcher } from './face.js';
export {
  openFace,
  DAMC_ETHERTYPE,
  type OpenFaceOptions,
  type RawFace,
  type RawFaceCounters,
} from './raw-face.js';
export {
  watchLinks,
  linkUpFromFlags,
  type LinkStateWatcher,
  type LinkChangeHandler,
} from './link-watcher.js';
export { interfaceState, listInterfaces, formatMac, type InterfaceState } from './interface-state.js';
export {
  MemoryLink,
  MemoryLinkWatcher,
  type LinkScheduler,
  type MemoryLinkOptions,
  type MemoryLinkEnd,
  type Direction,
} from './memory-link.js';
export { Netns, here, type Within } from './netns.js';
