/**
 * Pure: the names and nftables rules that divert one interface's egress through its relay
 * (see netem-relay.ts). Frames the relay sends back carry a mark and leave untouched.
 */
export const NETEM_MARK = 0x88b5;

export interface NetemNames { table: string; a: string; b: string }

/** Short, predictable names from the interface's ifindex (device names stop at 15 characters). */
export function netemNames(iface: string, ifindex: number): NetemNames {
  return { table: `damc_netem_${iface.replace(/[^A-Za-z0-9_]/g, '_')}`, a: `dn${ifindex}a`, b: `dn${ifindex}b` };
}

export function nftRules(iface: string, n: NetemNames): string {
  return [
    `table netdev ${n.table} {`,
    `  chain steal { type filter hook egress device "${iface}" priority 0; policy accept; meta mark ${NETEM_MARK} accept; fwd to "${n.a}"; }`,
    `  chain back { type filter hook ingress device "${n.a}" priority 0; policy accept; meta mark set ${NETEM_MARK} fwd to "${iface}"; }`,
    '}',
    '',
  ].join('\n');
}
