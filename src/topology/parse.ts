/** YAML text → raw topology, with errors that point at a line and column. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, isPair, isScalar, visit, type Document } from 'yaml';
import { LabError } from '../util/errors.js';
import { rawTopologySchema, type RawTopology } from './raw.js';

export function readTopologyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new LabError('TOPOLOGY_NOT_FOUND', `topology file ${file} does not exist`,
        'give the path of a YAML topology, e.g. topologies/figure2.yaml', { cause: e });
    }
    throw new LabError('TOPOLOGY_UNREADABLE', `cannot read topology file ${file}: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/** `where` names the source in messages (a file path). */
export function parseTopology(text: string, where = '<topology>'): RawTopology {
  const lineCounter = new LineCounter();
  // uniqueKeys: a node defined twice must be an error, not "last one wins".
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    const at = `line ${pos.line}, column ${pos.col}`;
    if (first.code === 'DUPLICATE_KEY') {
      const key = keyAtLine(text, pos.line);
      throw new LabError('TOPOLOGY_DUPLICATE_KEY',
        `${where}: duplicate key${key ? ` '${key}'` : ''} at ${at}`,
        'every key may appear once; node names in topology.nodes must be unique');
    }
    throw new LabError('TOPOLOGY_YAML', `${where}: YAML syntax error at ${at}: ${firstLine(first.message)}`,
      'fix the YAML at that line (indentation, brackets, quotes)');
  }
  keepScalarText(doc);
  const data: unknown = doc.toJS();
  const parsed = rawTopologySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const at = positionOf(doc, lineCounter, issue.path as (string | number)[]);
    throw new LabError('TOPOLOGY_SCHEMA',
      `${where}${at}: ${path.length ? path.join('.') : 'document'}: ${issue.message}`,
      'see topologies/figure2.yaml for the format (name, topology.nodes, topology.links)');
  }
  return parsed.data;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function keyAtLine(text: string, line: number): string | undefined {
  const l = text.split('\n')[line - 1] ?? '';
  return /^\s*-?\s*["']?([^"':\s]+)["']?\s*:/.exec(l)?.[1];
}

/** Best line:col for a schema issue: the deepest node on its path that exists. */
function positionOf(doc: Document, lc: LineCounter, path: (string | number)[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const p = lc.linePos(node.range[0]);
      return ` (line ${p.line}, column ${p.col})`;
    }
  }
  return '';
}

/** Keys whose values are strings to containerlab: a plain `no`, `1.10` or `true` keeps its text. */
const STRING_KEYS = new Set(['restart-policy', 'image', 'mgmt-ipv4', 'mgmt-ipv6', 'network-mode', 'user', 'hostname',
  'cpu-set', 'memory', 'shm-size', 'group', 'kind', 'entrypoint', 'cmd', 'prefix', 'name', 'mac', 'interface', 'node', 'host-interface']);
const STRING_MAPS = new Set(['env', 'labels', 'sysctls']);

/** containerlab reads string fields with their raw text; YAML would make `1.10` the number 1.1. */
function keepScalarText(doc: Document): void {
  visit(doc, {
    Scalar(key, node, path) {
      if (key !== 'value' || typeof node.value === 'string' || node.value === null || node.source === undefined) return;
      const pair = path[path.length - 1];
      if (!isPair(pair) || !isScalar(pair.key)) return;
      const parentPair = path[path.length - 3];
      const parentKey = isPair(parentPair) && isScalar(parentPair.key) ? String(parentPair.key.value) : undefined;
      if (STRING_KEYS.has(String(pair.key.value)) || (parentKey !== undefined && STRING_MAPS.has(parentKey))) {
        node.value = node.source;
      }
    },
  });
}
