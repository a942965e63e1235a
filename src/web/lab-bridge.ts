/** What the page needs from the lab, in one place (web sits above lab, beside cli). */
import { formatNetem } from '../topology/index.js';
import type { RelayState } from '../lab/index.js';

export { endName, labLinks, netemOf, watchLab, type Lab, type LabLink } from '../lab/index.js';

export function formatNetemOf(s: RelayState | undefined): string {
  return formatNetem(s?.settings);
}
