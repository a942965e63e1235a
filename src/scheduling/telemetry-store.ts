/**
 * The SCSC's view: the latest sample per (reporting SG, target), aged by the SCSC's own clock
 * (when it arrived, not the reporter's timestamp, so clock skew between nodes cannot keep a
 * dead report alive). A report older than what is held for the same pair is ignored.
 */
import type { QosSample, QosTelemetry } from '../wire/messages.js';
import type { Name } from '../wire/name.js';
import { violations, type Conditions, type Violation } from './conditions.js';

export interface StoredSample extends QosSample {
  readonly reporter: Name;
  /** SCSC time the sample arrived. */
  readonly receivedAt: number;
}

export interface Breach {
  readonly reporter: Name;
  readonly target: Name;
  readonly violations: readonly Violation[];
}

export class TelemetryStore {
  private readonly byPair = new Map<string, StoredSample>();

  /** `maxAgeMs`: a sample not refreshed for this long is forgotten (default: 3 report periods of 1 s). */
  constructor(readonly maxAgeMs = 3000) {}

  static key(reporter: Name, target: Name): string {
    return `${reporter.key} ${target.key}`;
  }

  /** Stores the report's entries; returns how many were newer than what was held. */
  ingest(t: QosTelemetry, now: number): number {
    let n = 0;
    for (const e of t.entries) {
      const k = TelemetryStore.key(t.reporter, e.target);
      const old = this.byPair.get(k);
      if (old && old.time > e.time && now - old.receivedAt < this.maxAgeMs) continue;
      this.byPair.set(k, { ...e, reporter: t.reporter, receivedAt: now });
      n++;
    }
    return n;
  }

  get(reporter: Name, target: Name, now: number): StoredSample | undefined {
    const s = this.byPair.get(TelemetryStore.key(reporter, target));
    return s && now - s.receivedAt < this.maxAgeMs ? s : undefined;
  }

  /** Fresh samples, in no particular order. */
  samples(now: number): StoredSample[] {
    return [...this.byPair.values()].filter((s) => now - s.receivedAt < this.maxAgeMs);
  }

  /** Drops aged samples and returns them. */
  expire(now: number): StoredSample[] {
    const gone: StoredSample[] = [];
    for (const [k, s] of this.byPair) {
      if (now - s.receivedAt >= this.maxAgeMs) {
        this.byPair.delete(k);
        gone.push(s);
      }
    }
    return gone;
  }

  /** Every fresh (reporter, target) that breaks `c`, with its reasons. */
  breaking(c: Conditions, now: number, isTarget: (target: Name) => boolean = () => true): Breach[] {
    const out: Breach[] = [];
    for (const s of this.samples(now)) {
      if (!isTarget(s.target)) continue;
      const v = violations(s, c);
      if (v.length > 0) out.push({ reporter: s.reporter, target: s.target, violations: v });
    }
    return out;
  }

  get size(): number {
    return this.byPair.size;
  }
}
