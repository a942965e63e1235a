/** The SPA program (class 3: grants and rejections for its SGs' prefix announcements). */
export { SpaNode, SPA_COUNTERS, type SpaCounters, type SpaDeps, type GrantView, type SpaRejectionView } from './spa-node.js';
