/**
 * containerlab's `certificate: issue: true`: a lab CA and, per node, a key and a certificate
 * signed by it, in <labDir>/.tls/ (ca/ca.pem, <node>/<node>.pem, <node>/<node>.key), as
 * containerlab lays them out. Made with the openssl command (scripts/setup installs it).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ResolvedTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';

const run = promisify(execFile);

/** "25h", "5h", "87600h", "30m" → days for openssl (at least 1). */
function days(validity: string): number {
  const m = /^(\d+)(h|m|s)?$/.exec(validity.trim());
  const hours = m ? Number(m[1]) / ({ h: 1, m: 60, s: 3600 }[m[2] as 'h' | 'm' | 's'] ?? 1) : 8760;
  return Math.max(1, Math.ceil(hours / 24));
}

export async function issueCertificates(topo: ResolvedTopology, labDir: string, say: (m: string) => void): Promise<void> {
  const ca = topo.clab!.ca!;
  const dir = join(labDir, '.tls');
  const caDir = join(dir, 'ca');
  mkdirSync(caDir, { recursive: true });
  const openssl = async (args: string[]) => {
    try {
      await run('openssl', args);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      throw new LabError(err.code === 'ENOENT' ? 'HOST_TOOL_MISSING' : 'CLAB_CERTIFICATE',
        `openssl ${args[0]} failed: ${err.stderr?.trim() || err.message}`, 'scripts/setup installs openssl', { cause: e });
    }
  };
  await openssl(['req', '-x509', '-newkey', `rsa:${ca.keySize}`, '-nodes', '-keyout', join(caDir, 'ca.key'), '-out', join(caDir, 'ca.pem'),
    '-days', String(days(ca.validity)), '-subj', `/CN=${topo.name} lab CA/O=containerlab`]);
  for (const n of topo.nodes.values()) {
    const c = n.clab?.certificate;
    if (!c) continue;
    const nd = join(dir, n.name);
    mkdirSync(nd, { recursive: true });
    const sans = [`DNS:${n.name}`, `DNS:${topo.clab!.prefix ? `${topo.clab!.prefix}-${topo.name}-${n.name}` : n.name}`,
      ...c.sans.map((s) => (/^[\d.]+$|:/.test(s) ? `IP:${s}` : `DNS:${s}`))];
    const ext = join(nd, 'san.cnf');
    writeFileSync(ext, `subjectAltName=${sans.join(',')}\n`);
    await openssl(['req', '-newkey', `rsa:${c.keySize}`, '-nodes', '-keyout', join(nd, `${n.name}.key`), '-out', join(nd, `${n.name}.csr`),
      '-subj', `/CN=${n.name}.${topo.name}.io/O=containerlab`]);
    await openssl(['x509', '-req', '-in', join(nd, `${n.name}.csr`), '-CA', join(caDir, 'ca.pem'), '-CAkey', join(caDir, 'ca.key'),
      '-CAcreateserial', '-out', join(nd, `${n.name}.pem`), '-days', String(days(c.validity)), '-extfile', ext]);
    say(`issued certificate for ${n.name} (rsa ${c.keySize}, SANs ${sans.join(', ')}) in ${nd}`);
  }
}
