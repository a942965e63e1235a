/** Shared by the topology tests: resolve YAML text, and expect a LabError with a code. */
import assert from 'node:assert/strict';
import { parseTopology, resolveTopology } from '../../src/topology/index.js';
import { LabError } from '../../src/util/errors.js';

export function resolveText(text: string) {
  return resolveTopology(parseTopology(text, 't.yaml'));
}

/** Asserts a LabError with this code whose message (and hint) contain every fragment. */
export function rejects(fn: () => unknown, code: string, ...fragments: string[]): LabError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof LabError, `expected LabError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.describe());
  for (const f of fragments) assert.ok(err.describe().includes(f), `'${f}' not in: ${err.describe()}`);
  return err;
}
