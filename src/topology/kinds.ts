/**
 * Node kinds register themselves here (containerlab habit): the topology names a kind, the
 * registry says what it runs and whether it is a router. An unknown kind's error lists the
 * registered ones, so adding a kind is one `registerKind` call.
 */
import type { NodeKind } from '../config/index.js';
import { LabError } from '../util/errors.js';

export interface KindSpec {
  name: NodeKind;
  description: string;
  /** SG and SR: gets a router name /damc/router/<node> and is a trust anchor. */
  router: boolean;
  /** What the container runs when the topology gives no `cmd:`. */
  defaultCmd: string[];
}

const registry = new Map<string, KindSpec>();

export function registerKind(spec: KindSpec): void {
  registry.set(spec.name, spec);
}

export function kindNames(): string[] {
  return [...registry.keys()].sort();
}

export function lookupKind(name: string, where: string): KindSpec {
  const k = registry.get(name);
  if (!k) {
    throw new LabError('UNKNOWN_KIND', `${where}: unknown kind '${name}'`, `valid kinds are: ${kindNames().join(', ')}`);
  }
  return k;
}
