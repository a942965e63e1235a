/**
 * Prints PROTOCOL.md's "Examples" section from test/wire/examples.ts:
 *   npx tsc -p . && node dist/test/wire/print-examples.js
 * With `--pcap FILE` it writes those messages as a pcap instead (to try the dissector).
 * Each example: the message as JSON, its hex, and an indented TLV tree. The doc test checks
 * that the hex in PROTOCOL.md still decodes to these messages and still encodes from them.
 */
import { encode, type Message } from '../../src/wire/index.js';
import { MsgType, T } from '../../src/wire/types.js';
import { writeFileSync } from 'node:fs';
import { examples, extraExamples } from './examples.js';
import { ethernetFrame, pcapFile } from './pcap.js';

const typeNames = new Map<number, string>([
  ...Object.entries(MsgType).map(([k, v]) => [v, `Msg:${k}`] as [number, string]),
  ...Object.entries(T).map(([k, v]) => [v, k] as [number, string]),
]);
const containers = new Set<number>([
  ...Object.values(MsgType),
  T.Name, T.Router, T.Origin, T.Pod, T.Gateway, T.Reporter, T.Target, T.Requester,
  T.AdjacencyEntry, T.PrefixEntry, T.LsaBody, T.LsaHeader, T.LsaWanted, T.AnnouncementBody,
  T.QosSample, T.PolicyEntry, T.Instance, T.Nexthop, T.PolicyBody, T.Grant, T.GrantBody, T.Authority,
]);

export function hex(b: Uint8Array, perLine = 16): string {
  const out: string[] = [];
  for (let i = 0; i < b.length; i += perLine) {
    out.push(Array.from(b.subarray(i, i + perLine), (x) => x.toString(16).padStart(2, '0')).join(' '));
  }
  return out.join('\n');
}

export function render(m: Message): string {
  return JSON.stringify(
    m,
    (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v,
    1,
  ).replace(/\n\s*/g, ' ');
}

/** Indented TLV tree of a well-formed payload (for people; the decoder does the real checks). */
export function tree(b: Uint8Array): string {
  const row = (depth: number, bytes: Uint8Array, more: boolean, label: string): string =>
    `${'  '.repeat(depth)}${hex(bytes, 64)}${more ? ' …' : ''}`.padEnd(48) + label;
  const lines = [row(0, b.subarray(0, 1), false, `version ${b[0]}`)];
  const walk = (start: number, end: number, depth: number): void => {
    let p = start;
    while (p < end) {
      const h = p;
      const vn = (): number => {
        const f = b[p]!;
        if (f < 253) return (p += 1), f;
        const w = f === 253 ? 2 : 4;
        let v = 0;
        for (let i = 1; i <= w; i++) v = v * 256 + b[p + i]!;
        return (p += 1 + w), v;
      };
      const type = vn();
      const len = vn();
      const label = typeNames.get(type) ?? `type ${type}`;
      if (containers.has(type)) {
        lines.push(row(depth, b.subarray(h, p), false, `${label} (${len} bytes)`));
        walk(p, p + len, depth + 1);
      } else {
        const v = b.subarray(p, p + len);
        const isText = type === T.Component || type === T.Interface || type === T.ReasonText;
        const isBytes = type === T.Signature || type === T.PublicKey || type === T.Payload;
        const shown = isText
          ? ` "${new TextDecoder().decode(v)}"`
          : isBytes
            ? ` (${len} bytes)`
            : ` = ${v.reduce((a, x) => a * 256n + BigInt(x), 0n)}`;
        const cut = Math.min(p + len, h + 10);
        lines.push(row(depth, b.subarray(h, cut), cut < p + len, `${label}${shown}`));
      }
      p += len;
    }
  };
  walk(1, b.length, 0);
  return lines.join('\n');
}

export function examplesMarkdown(extra = false): string {
  const parts: string[] = [];
  for (const [type, m] of Object.entries(extra ? extraExamples : examples)) {
    const b = encode(m);
    parts.push(
      `### ${type}\n\n${render(m)}\n\n<!-- ${extra ? 'extra' : 'example'}: ${type} -->\n\`\`\`hex\n${hex(b)}\n\`\`\`\n\n<details><summary>TLV tree</summary>\n\n\`\`\`\n${tree(b)}\n\`\`\`\n</details>\n`,
    );
  }
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--pcap');
  if (at > 0 && process.argv[at + 1]) {
    // One frame of every message, for trying the Wireshark dissector by hand.
    writeFileSync(process.argv[at + 1]!, pcapFile(Object.values(examples).map((m) => ethernetFrame(encode(m)))));
  } else {
    console.log(examplesMarkdown(process.argv.includes('--extra')));
  }
}
