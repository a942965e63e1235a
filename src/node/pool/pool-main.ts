/**
 * Entry of a shared router process (src/node/pool/router-pool.ts), started on the host by
 * `lab deploy` as `node pool-main.js <lab dir>/pool-K.json`. The plan file names the pool, its
 * control socket and the routers it starts; the control socket (JSON lines, as a router's)
 * answers `status`, and `attach {node, pid, config}` / `detach {node}` for `lab restart`.
 * It exits by itself once every container it served is gone.
 */
import { readFileSync } from 'node:fs';
import { logger } from '../../util/log.js';
import { serveControl } from '../control-server.js';
import { describeError, RouterPool, type PoolPlan } from './router-pool.js';

const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as PoolPlan;
const log = logger('pool', { pool: plan.pool, lab: plan.lab });
const failed = new Map<string, string>();
const pool = new RouterPool(plan.pool, log, () => {
  log.info('every container of this pool is gone; exiting');
  process.exit(0);
});

const server = await serveControl(plan.socket, async (req) => {
  if (req.cmd === 'status') return { ...pool.status(), failed: Object.fromEntries(failed), starting: starting };
  if (req.cmd === 'attach') {
    const m = { node: String(req.node), pid: Number(req.pid), config: String(req.config) };
    try {
      const v = await pool.attach(m);
      failed.delete(m.node);
      return v;
    } catch (e) {
      failed.set(m.node, (e as Error).message);
      throw e;
    }
  }
  if (req.cmd === 'detach') return { detached: pool.detach(String(req.node)) };
  throw new Error(`unknown command "${req.cmd}"; commands: status, attach, detach`);
});

let starting = true;
const t0 = performance.now();
for (const m of plan.members) {
  try {
    await pool.attach(m);
  } catch (e) {
    failed.set(m.node, (e as Error).message);
    log.error({ node: m.node, ...describeError(e) }, `router ${m.node} could not start`);
  }
}
starting = false;
log.info({ routers: plan.members.length - failed.size, failed: failed.size, ms: Math.round(performance.now() - t0) }, 'routers started');

const stop = () => {
  pool.stop();
  server.close();
  // The flush frames leave at the end of this turn.
  setTimeout(() => process.exit(0), 100);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
