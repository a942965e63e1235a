/**
 * Reading a node config at start without loading zod when deploy already checked it: deploy
 * writes the schema's own output with `validated`, a digest of the rest of the file
 * (stampNodeConfig). A file that still matches its digest is what the schema accepted; any
 * other file (edited by hand, written by another tool, no stamp) goes through the schema as
 * before, with the same clear error. Loading zod costs ~0.1 s of CPU per process, and a
 * 275-router lab starts 275 of them on 2 cores.
 */
import { createHash } from 'node:crypto';
import type { NodeConfig } from './node-config.js';

/** The digest deploy stamps: sha256 of the config's JSON (without the stamp), keys in file order. */
export function configDigest(rest: object): string {
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** The config in `text` (`where` names the file in errors): stamped and intact, or checked by the schema. */
export async function readNodeConfig(text: string, where: string): Promise<NodeConfig> {
  const stamped = intact(text);
  if (stamped) return stamped;
  const { parseNodeConfig } = await import('./node-config.js');
  return parseNodeConfig(text, where);
}

function intact(text: string): NodeConfig | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // the schema path names the JSON error
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { validated, ...rest } = json as Record<string, unknown>;
  if (typeof validated !== 'string' || configDigest(rest) !== validated) return undefined;
  return rest as NodeConfig;
}
