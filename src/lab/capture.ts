/**
 * `lab capture <node>:<if>`: the host's tcpdump inside the node's network namespace (nsenter
 * -n), so it works on any node, whatever its image holds. `-w -` streams pcap to stdout
 * (`| wireshark -k -i -`); `decode` reads that same pcap stream and prints each frame through
 * the project's codec (frame-line.ts), and can write the pcap to a file at the same time.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { LabError } from '../util/errors.js';
import { frameLine } from './frame-line.js';
import type { Lab } from './lab.js';
import { LABEL_IFACES } from './labels.js';
import { PcapReader } from './pcap-stream.js';

export interface CaptureOptions {
  /** pcap file, or "-" for stdout. */
  write?: string;
  count?: number;
  decode?: boolean;
  /** tcpdump filter words, e.g. ["ether", "proto", "0x88b5"]. */
  filter?: string[];
  stdout: Writable;
  stderr: Writable;
  /** Stops the capture (tcpdump gets SIGINT and flushes). */
  signal?: AbortSignal;
}

/** Pure: tcpdump's arguments. Packets are written as they come (-U), names never resolved. */
export function tcpdumpArgs(iface: string, o: Pick<CaptureOptions, 'write' | 'count' | 'decode' | 'filter'>): string[] {
  const toPcap = o.decode || o.write !== undefined;
  return [
    '-i', iface, '-nn', ...(toPcap ? ['-U', '-w', o.decode ? '-' : o.write!] : ['-l', '-e']),
    ...(o.decode ? ['--immediate-mode'] : []),
    ...(o.count ? ['-c', String(o.count)] : []),
    ...(o.filter ?? []),
  ];
}

/** Runs the capture until count frames, the signal, or tcpdump ends; resolves to its exit status. */
export async function capture(lab: Lab, at: string, o: CaptureOptions): Promise<number> {
  const [node = '', iface = ''] = at.split(':');
  if (!iface) throw new LabError('CAPTURE_ARGS', `'${at}' is not <node>:<iface>`, 'e.g. lab capture sg1:eth3');
  if (o.decode && o.write === '-') throw new LabError('CAPTURE_ARGS', '--decode prints lines; it cannot also write pcap to stdout', 'use -w <file> with --decode, or -w - alone');
  const c = await lab.container(node);
  if (c.state !== 'running' || !c.pid) throw new LabError('NODE_NOT_RUNNING', `node ${node} of lab ${lab.name} is ${c.state}`, `see \`docker logs ${c.name}\``);
  const ifaces = Object.keys(JSON.parse(c.labels[LABEL_IFACES] ?? '{}') as Record<string, string>);
  if (!ifaces.includes(iface)) throw new LabError('NO_SUCH_INTERFACE', `node ${node} has no lab interface ${iface}`, `its interfaces: ${ifaces.join(', ') || 'none'}`);
  let mac: string | undefined;
  try { mac = readFileSync(`/proc/${c.pid}/root/sys/class/net/${iface}/address`, 'utf8').trim(); } catch { mac = undefined; }

  const p = spawn('nsenter', ['-t', String(c.pid), '-n', 'tcpdump', ...tcpdumpArgs(iface, o)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => p.kill('SIGINT');
  o.signal?.addEventListener('abort', stop, { once: true });
  p.stderr.pipe(o.stderr, { end: false });
  if (o.decode) {
    const file = o.write ? createWriteStream(o.write) : undefined;
    const reader = new PcapReader();
    p.stdout.on('data', (chunk: Buffer) => {
      file?.write(chunk);
      for (const f of reader.push(chunk)) o.stdout.write(frameLine(f, mac) + '\n');
    });
    p.on('close', () => file?.end());
  } else {
    p.stdout.pipe(o.stdout, { end: false });
  }
  return new Promise((resolve, reject) => {
    p.on('error', (e) => reject(new LabError('HOST_TOOL_MISSING', `cannot run tcpdump through nsenter: ${e.message}`, 'install tcpdump and util-linux (scripts/setup does)')));
    p.on('close', (code, sig) => {
      o.signal?.removeEventListener('abort', stop);
      resolve(sig === 'SIGINT' || (o.signal?.aborted ?? false) ? 0 : code ?? 1);
    });
  });
}
