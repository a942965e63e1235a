/**
 * Exchanges that finished a moment ago, remembered for `ttlMs` so that late duplicates are
 * acknowledged again instead of being served twice. Keys expire in insertion order, so
 * forgetting is a walk from the front.
 */
import type { Clock } from '../../routing/clock.js';

export class Lingering {
  private readonly until = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly ttlMs: number) {}

  add(key: string): void {
    const now = this.clock.now();
    for (const [k, exp] of this.until) {
      if (exp > now) break;
      this.until.delete(k);
    }
    this.until.delete(key);
    this.until.set(key, now + this.ttlMs);
  }

  has(key: string): boolean {
    const exp = this.until.get(key);
    return exp !== undefined && exp > this.clock.now();
  }
}
