/** Labels on every lab container: destroy and inspect find a lab by these, never from memory. */
export const LABEL_LAB = 'damc.lab';
export const LABEL_NODE = 'damc.node';
export const LABEL_KIND = 'damc.kind';
export const LABEL_TOPOLOGY = 'damc.topology';
export const LABEL_LABDIR = 'damc.labdir';
/** JSON {"eth1":"sr2:eth1",…}: the node's links, so inspect shows peers without the topology. */
export const LABEL_IFACES = 'damc.ifaces';
/** JSON of the lab's routing timers on SG/SR containers (scaled to the lab's size unless set). */
export const LABEL_TIMERS = 'damc.timers';

/** On an SR whose router runs in a shared process: that process's pool name (src/lab/pools.ts). */
export const LABEL_POOL = 'damc.pool';

export function containerName(lab: string, node: string): string {
  return `damc-${lab}-${node}`;
}

/** The container of a node: containerlab files name it <prefix>-<lab>-<node> (prefix "" → <node>). */
export function containerNameIn(topo: { name: string; clab?: { prefix: string } }, node: string): string {
  if (!topo.clab) return containerName(topo.name, node);
  const p = topo.clab.prefix;
  return p === '' ? node : p === '__lab-name' ? `${topo.name}-${node}` : `${p}-${topo.name}-${node}`;
}
