/**
 * Host-side network operations: veth pairs are created by one `ip -batch` on the host with
 * each end born directly inside its container's namespace under its final name (so nothing
 * ever appears in the host namespace and names cannot clash there), then each container's
 * ends are brought up by one `nsenter -t <pid> -n ip -batch` per container.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { LabError } from '../util/errors.js';

export interface IpLink {
  ifname: string;
  operstate: string;
  mtu: number;
  flags: string[];
  linkKind?: string;
  /** Link-layer address. */
  mac?: string;
  /** Alternative names (`ip link property add … altname`). */
  altnames?: string[];
  /** IPv4 addresses in CIDR form ("10.200.0.1/30"), in the order they were added. */
  ipv4?: string[];
}

export interface HostNet {
  /** Runs `ip -batch` lines on the host; on failure names the failing line (1-based). */
  batch(lines: string[]): Promise<void>;
  /** Runs `ip -batch` lines inside the network namespace of `pid`. */
  batchIn(pid: number, lines: string[]): Promise<void>;
  /** `ip -j -d addr` inside the namespace of `pid`: links with their IPv4 addresses. */
  links(pid: number): Promise<IpLink[]>;
  /** operstate ("up", "down", …) of one interface in the namespace of `pid`; undefined if absent. */
  operstate(pid: number, ifname: string): Promise<string | undefined>;
}

export class IpBatchError extends Error {
  constructor(readonly line: number | undefined, readonly detail: string) {
    super(detail);
  }
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e) => reject(new LabError('HOST_TOOL_MISSING', `cannot run ${cmd}: ${e.message}`,
      'install iproute2 and util-linux (scripts/setup does)', { cause: e })));
    p.on('close', (code) => {
      if (code === 0) resolve(out);
      else {
        const m = /Command failed -:(\d+)/.exec(err);
        reject(new IpBatchError(m ? Number(m[1]) : undefined, err.trim() || `${cmd} exited with ${code}`));
      }
    });
    if (p.stdin) {
      // A tool that dies early closes its stdin; its exit status tells the story, not EPIPE.
      p.stdin.on('error', () => {});
      p.stdin.end(input);
    }
  });
}

export class LinuxHostNet implements HostNet {
  async batch(lines: string[]): Promise<void> {
    if (lines.length) await run('ip', ['-batch', '-'], lines.join('\n') + '\n');
  }

  async batchIn(pid: number, lines: string[]): Promise<void> {
    if (lines.length) await run('nsenter', ['-t', String(pid), '-n', 'ip', '-batch', '-'], lines.join('\n') + '\n');
  }

  async operstate(pid: number, ifname: string): Promise<string | undefined> {
    // The container's own sysfs (seen through its root) belongs to its network namespace:
    // reading it costs no process, which matters while a lab's programs are starting.
    try {
      return (await readFile(`/proc/${pid}/root/sys/class/net/${ifname}/operstate`, 'utf8')).trim();
    } catch {
      return undefined;
    }
  }

  async links(pid: number): Promise<IpLink[]> {
    // `addr` shows everything `link` does plus addr_info, so one process still serves a node.
    const out = await run('nsenter', ['-t', String(pid), '-n', 'ip', '-j', '-d', 'addr', 'show']);
    const raw = JSON.parse(out) as {
      ifname: string; operstate: string; mtu: number; flags: string[]; linkinfo?: { info_kind?: string }; address?: string; altnames?: string[];
      addr_info?: { family?: string; local?: string; prefixlen?: number }[];
    }[];
    return raw.map((l) => {
      const ipv4 = (l.addr_info ?? []).filter((a) => a.family === 'inet' && a.local).map((a) => `${a.local}/${a.prefixlen}`);
      return {
        ifname: l.ifname, operstate: l.operstate, mtu: l.mtu, flags: l.flags,
        ...(l.linkinfo?.info_kind ? { linkKind: l.linkinfo.info_kind } : {}),
        ...(l.address ? { mac: l.address } : {}),
        ...(l.altnames?.length ? { altnames: l.altnames } : {}),
        ...(ipv4.length ? { ipv4 } : {}),
      };
    });
  }
}
