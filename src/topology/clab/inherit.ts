/**
 * containerlab's inheritance: defaults → kinds.<kind> → groups.<group> → node. Scalars: the
 * most specific layer wins. Maps (env, labels, sysctls) merge key by key, specific wins. Lists
 * concatenate in that order with exact duplicates dropped. binds and volumes concatenate and are
 * de-duplicated by container path, the specific one kept. A node's kind is its own, else its
 * group's, else the group of defaults', else defaults.kind; its group is its own, else defaults'.
 */
import { LabError } from '../../util/errors.js';
import type { RawNodeDefaults, RawTopology } from '../raw.js';

type Layer = RawNodeDefaults;
const MAP_KEYS = new Set(['env', 'labels', 'sysctls']);
const BIND_KEYS = new Set(['binds', 'volumes']);
const LIST_KEYS = new Set(['exec', 'env-files', 'cap-add', 'ports', 'devices', 'tmpfs', 'aliases', 'security-opts']);

export interface Inherited { node: Layer; kind: string | undefined; group: string | undefined }

export function inheritNode(t: RawTopology['topology'], nodeName: string): Inherited {
  const n: Layer = t.nodes[nodeName] ?? {};
  const defaults = t.defaults ?? {};
  const group = n.group ?? defaults.group;
  const g = group === undefined ? undefined : t.groups?.[group];
  if (group !== undefined && !g) {
    throw new LabError('CLAB_GROUP_UNKNOWN', `node ${nodeName}: group '${group}' is not defined in topology.groups`,
      `defined groups: ${Object.keys(t.groups ?? {}).join(', ') || '(none)'}`);
  }
  const defaultsGroup = defaults.group === undefined ? undefined : t.groups?.[defaults.group];
  const kind = n.kind ?? g?.kind ?? defaultsGroup?.kind ?? defaults.kind;
  const layers: Layer[] = [defaults, (kind && t.kinds?.[kind]) || {}, g ?? {}, n];
  return { node: { ...mergeLayers(layers), ...(kind ? { kind } : {}) }, kind, group };
}

export function mergeLayers(layers: Layer[]): Layer {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      if (MAP_KEYS.has(k)) out[k] = { ...(prev as object | undefined), ...(v as object) };
      else if (BIND_KEYS.has(k)) out[k] = mergeBinds((prev as string[] | undefined) ?? [], v as string[]);
      else if (LIST_KEYS.has(k)) out[k] = [...new Set([...((prev as unknown[] | undefined) ?? []), ...(v as unknown[])])];
      else out[k] = v;
    }
  }
  return out as Layer;
}

/** Binds by container path: a later (more specific) bind replaces an earlier one in place. */
export function mergeBinds(general: string[], specific: string[]): string[] {
  const out = [...general];
  for (const b of specific) {
    const at = out.findIndex((o) => containerPath(o) === containerPath(b));
    if (at >= 0) out[at] = b;
    else out.push(b);
  }
  return out;
}

function containerPath(bind: string): string {
  return bind.split(':')[1] ?? bind;
}
