/**
 * containerlab renders every topology as a Go text/template before anything else. No
 * maintained npm library implements Go's template language faithfully (pipelines, range/with
 * scoping, sprig functions), so a file that uses it is refused with the construct named,
 * rather than rendered differently from containerlab.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LabError } from '../../util/errors.js';

/** The `<stem>_vars.{yaml,yml,json}` file containerlab picks up beside a topology, if any. */
export function autoVarsFile(file: string): string | undefined {
  const stem = basename(file).replace(/\.ya?ml$/, '').replace(/\.clab$/, '');
  return ['yaml', 'yml', 'json'].map((e) => join(dirname(file), `${stem}_vars.${e}`)).find((f) => existsSync(f));
}

export function refuseGoTemplate(text: string, where: string, varsFile: string | undefined): void {
  const at = text.indexOf('{{');
  if (at < 0) return;
  const end = text.indexOf('}}', at);
  const construct = text.slice(at, end < 0 ? Math.min(text.length, at + 40) : end + 2).replace(/\s+/g, ' ');
  const line = text.slice(0, at).split('\n').length;
  const col = at - text.lastIndexOf('\n', at - 1);
  throw new LabError('CLAB_GO_TEMPLATE',
    `${where} (line ${line}, column ${col}): Go template construct '${construct}' is not supported` +
    (varsFile ? ` (vars file ${varsFile} is not used)` : ''),
    'damc-lab does not render Go text/template (no faithful implementation exists for Node); ' +
    'render the file first, e.g. `containerlab deploy --vars F -t FILE --debug` prints the rendered topology, and deploy that');
}
