/**
 * One structured logger for the whole project (pino). Each part asks for a child with its
 * namespace (`lab:deploy`, `router:lsdb`); lines go to stdout as JSON so `docker logs` and
 * tools can read them. Level: LOG_LEVEL, or `debug` when DEBUG is set (any value).
 */
import { pino, type Logger } from 'pino';

const level = process.env.LOG_LEVEL ?? (process.env.DEBUG ? 'debug' : 'info');

const root: Logger = pino({
  level,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type { Logger };

export function logger(ns: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ ns, ...bindings });
}

export function setLogLevel(l: string): void {
  root.level = l;
}
