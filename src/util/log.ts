/**
 * One structured logger for the whole project (pino). Each part asks for a child with its
 * namespace (`lab:deploy`, `router:lsdb`); lines go to stdout as JSON so `docker logs` and
 * tools can read them. Level: LOG_LEVEL, or `debug` when DEBUG is set (any value).
 */
import { pino, type Logger } from 'pino';

const level = process.env.LOG_LEVEL ?? (process.env.DEBUG ? 'debug' : 'info');

const options = {
  level,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};
const root: Logger = pino(options);

export type { Logger };

export function logger(ns: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ ns, ...bindings });
}

/**
 * The same lines, written somewhere else: a router hosted in a shared process writes its own
 * into its container's log (a FIFO its container copies to stdout, src/node/pool).
 */
export function loggerTo(dest: { write(line: string): void }, ns: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ ...options, level: root.level }, dest).child({ ns, ...bindings });
}

export function setLogLevel(l: string): void {
  root.level = l;
}
