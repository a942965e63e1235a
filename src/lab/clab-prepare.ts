/**
 * What a containerlab lab needs on the host before its nodes walk their stages: the
 * management network (made only when a node or link uses it), host bridges, the external
 * containers it joins (they must run already), and the dummy-link driver this kernel has.
 * Everything it creates is written to the lab's state file, so a failed deploy removes it.
 */
import type { ResolvedTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import { hostHas, type ClabState } from './clab-state.js';
import type { LabContext } from './context.js';

export interface ClabHost {
  mgmtBridge: string | undefined;
  extPids: Map<string, { id: string; pid: number }>;
  dummyKind: 'dummy' | 'ifb';
}

export async function prepareClabHost(topo: ResolvedTopology, ctx: LabContext, state: ClabState, say: (line: string) => void, notes: string[],
  step: (name: string) => void): Promise<ClabHost> {
  const clab = topo.clab!;
  const nodes = [...topo.nodes.values()];
  step('management network');
  const usesMgmt = nodes.some((n) => n.clab!.mgmt && (n.clab!.networkMode === undefined || n.clab!.networkMode === 'bridge')) ||
    clab.links.some((l) => l.b?.t === 'mgmt-net');
  let mgmtBridge: string | undefined;
  if (usesMgmt) {
    const m = clab.mgmt;
    let net = await ctx.runtime.network(m.network);
    if (!net) {
      net = await ctx.runtime.createNetwork({
        name: m.network,
        ...(m.bridge ? { bridge: m.bridge } : {}),
        ipv4: { subnet: m.ipv4Subnet, ...(m.ipv4Range ? { range: m.ipv4Range } : {}), ...(m.ipv4Gw ? { gateway: m.ipv4Gw } : {}) },
        ipv6: { subnet: m.ipv6Subnet, ...(m.ipv6Range ? { range: m.ipv6Range } : {}), ...(m.ipv6Gw ? { gateway: m.ipv6Gw } : {}) },
        ...(m.mtu ? { mtu: m.mtu } : {}),
        driverOpts: m.driverOpts,
        labels: { 'damc.lab': topo.name, containerlab: topo.name },
      });
      state.update((d) => (d.network = m.network));
      say(`created management network ${m.network} (${m.ipv4Subnet}, ${m.ipv6Subnet}) on bridge ${net.bridge}`);
    }
    mgmtBridge = net.bridge;
  }
  step('bridges');
  for (const b of clab.bridges) {
    if (await hostHas(ctx, b)) continue;
    await ctx.net.batch([`link add name ${b} type bridge`, `link set ${b} up`]);
    state.update((d) => d.bridges.push(b));
    say(`created bridge ${b} in the host namespace`);
  }
  step('external containers');
  const extPids = new Map<string, { id: string; pid: number }>();
  for (const name of clab.external.keys()) {
    const info = await ctx.runtime.inspect(name).catch((e: unknown) => {
      throw new LabError('EXT_CONTAINER_MISSING', `node ${name} is kind ext-container, but no container named ${name} exists`,
        'start it before the lab (docker run --name ' + name + ' …): ext-container nodes are containers the lab does not create', { cause: e });
    });
    if (info.state !== 'running' || info.pid <= 0) {
      throw new LabError('EXT_CONTAINER_MISSING', `external container ${name} is ${info.state}`, `start it: docker start ${name}`);
    }
    extPids.set(name, { id: info.id, pid: info.pid });
  }
  let dummyKind: 'dummy' | 'ifb' = 'dummy';
  if (clab.links.some((l) => l.type === 'dummy')) {
    dummyKind = await dummyDriver(ctx);
    if (dummyKind === 'ifb') {
      const note = 'this kernel has no dummy driver: dummy links are ifb devices here (same name, MTU and MAC; what is sent to them is dropped, as with dummy)';
      notes.push(note);
      say(note);
    }
  }
  return { mgmtBridge, extPids, dummyKind };
}

/** dummy when the kernel has it (probed with a device created and deleted at once), else ifb. */
async function dummyDriver(ctx: LabContext): Promise<'dummy' | 'ifb'> {
  const probe = `damc-dprobe${process.pid % 1000}`;
  try {
    await ctx.net.batch([`link add name ${probe} type dummy`, `link del ${probe}`]);
    return 'dummy';
  } catch {
    return 'ifb';
  }
}
