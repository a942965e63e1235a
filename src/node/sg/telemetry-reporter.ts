/**
 * The SG's class 4 reports: every second, the figures of the last window per instance
 * (InstanceStats) as one QosTelemetry message in a single-segment request to /damc/scsc, when
 * the FIB has a route there. Nothing waits for an answer: the SCSC is not in the data path.
 */
import { randomBytes } from 'node:crypto';
import type { Scheduler, Timer } from '../../routing/clock.js';
import type { RouterCore } from '../../routing/router.js';
import type { InstanceStats } from '../../scheduling/index.js';
import { encode } from '../../wire/index.js';
import type { QosSample } from '../../wire/messages.js';
import { SCSC_PREFIX } from '../scsc/names.js';

export const TELEMETRY_INTERVAL_MS = 1000;
/** Samples per report, so one report fits one segment (each sample is ~40 bytes). */
const MAX_SAMPLES = 24;

export class TelemetryReporter {
  readonly counters = { reportsSent: 0, reportsNoRoute: 0 };
  private timer: Timer | undefined;

  constructor(private readonly core: RouterCore, private readonly scheduler: Scheduler, private readonly stats: InstanceStats, private readonly intervalMs = TELEMETRY_INTERVAL_MS) {}

  start(): void {
    const tick = () => {
      this.report();
      this.timer = this.scheduler.after(this.intervalMs, tick);
    };
    this.timer = this.scheduler.after(this.intervalMs, tick);
  }

  stop(): void {
    this.timer?.cancel();
  }

  report(): void {
    const now = Math.floor(this.scheduler.now()); // integers on the wire
    const all = this.stats.report(now);
    if (all.length === 0) return;
    if (!this.core.fib().lpm(SCSC_PREFIX)) {
      this.counters.reportsNoRoute++;
      return;
    }
    for (let i = 0; i < all.length; i += MAX_SAMPLES) this.send(all.slice(i, i + MAX_SAMPLES), now);
  }

  private send(entries: QosSample[], now: number): void {
    this.counters.reportsSent++;
    this.core.originateData({
      type: 'request', name: SCSC_PREFIX, requester: this.core.name, requestId: randomBytes(8).readBigUInt64BE(),
      hopLimit: 32, segIndex: 0, segCount: 1, payload: encode({ type: 'qos-telemetry', reporter: this.core.name, time: now, entries }),
    });
  }
}
