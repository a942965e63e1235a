/**
 * Per-instance knobs that make a built-in instance slow or failing (for scheduling tests):
 * every answer waits `delayMs`, and a share `errorRate` of them is a 500 instead.
 */
import { json, type App, type AppRequest, type AppResponse } from './app.js';

export interface Knobs {
  delayMs: number;
  errorRate: number;
}

export function checkKnobs(k: Partial<Knobs>): void {
  if (k.delayMs !== undefined && (!Number.isFinite(k.delayMs) || k.delayMs < 0 || k.delayMs > 600_000)) {
    throw new Error(`delay ${k.delayMs} ms is out of range (0 to 600000)`);
  }
  if (k.errorRate !== undefined && (!Number.isFinite(k.errorRate) || k.errorRate < 0 || k.errorRate > 1)) {
    throw new Error(`error rate ${k.errorRate} is out of range (0 to 1)`);
  }
}

export async function withKnobs(app: App, knobs: Knobs, req: AppRequest, instance: string, random: () => number = Math.random): Promise<AppResponse> {
  if (knobs.delayMs > 0) await new Promise((r) => setTimeout(r, knobs.delayMs));
  if (knobs.errorRate > 0 && random() < knobs.errorRate) {
    return json(500, { error: 'injected failure', instance, errorRate: knobs.errorRate }, { 'x-damc-instance': instance });
  }
  return app(req);
}
