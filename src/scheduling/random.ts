/** Randomness as the scheduling core sees it: injected (src/util/random.ts), so tests and simulations repeat exactly. */
export { seededRandom, type Random } from '../util/random.js';
