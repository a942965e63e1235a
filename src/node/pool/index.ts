/** Shared router processes (one per core, many routers each): see router-pool.ts. */
export type { MemberView, PoolMember, PoolPlan } from './router-pool.js';
