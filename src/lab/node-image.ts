/**
 * The lab's node image, built with no registry: a root filesystem assembled from this host's
 * own files (node, tcpdump, ip, ping, bash, coreutils and the libraries ldd lists for them),
 * streamed into `docker import`. The tag is a hash of the inputs (file list, entry script and
 * each file's size and mtime, plus ld.so.cache), so deploy rebuilds only when the host changed.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, openSync, readSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { promisify } from 'node:util';
import { LabError } from '../util/errors.js';
import type { Runtime } from './runtime.js';

const execFileP = promisify(execFile);
/** Bump when the way the rootfs is assembled changes. */
const RECIPE_VERSION = '3';
export const NODE_IMAGE_REPO = 'damc-node';
const ENTRY_IN_IMAGE = '/usr/local/bin/damc-entry';
/** On every image this builds (value `node`), so stale and dangling ones can be found and pruned. */
export const IMAGE_LABEL = 'damc.image';
export const IMAGE_KIND_RUNTIME = 'node';

export interface NodeImageOptions {
  /** Directory holding host-rootfs.txt and damc-entry (the project's images/). */
  imagesDir: string;
  /** Extra host paths to include (tests use this to provoke a failing step). */
  extraFiles?: string[];
  onEvent?: (msg: string) => void;
}

export class NodeImage {
  constructor(private readonly runtime: Runtime, private readonly opts: NodeImageOptions) {}

  static readonly entrypoint = [ENTRY_IN_IMAGE];

  private inputs(): { files: string[]; entry: string; list: string } {
    const listFile = join(this.opts.imagesDir, 'host-rootfs.txt');
    const entryFile = join(this.opts.imagesDir, 'damc-entry');
    let list: string;
    let entry: string;
    try {
      list = readFileSync(listFile, 'utf8');
      entry = readFileSync(entryFile, 'utf8');
    } catch (e) {
      throw stepError('collect', `cannot read ${listFile} or ${entryFile}: ${(e as Error).message}`, 'the images/ directory of the project is incomplete', e);
    }
    const files = list.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    return { files: [...files, ...(this.opts.extraFiles ?? [])], entry, list };
  }

  /** The tag the current host inputs produce (cheap: stats only). */
  tag(): string {
    const { files, entry, list } = this.inputs();
    const h = createHash('sha256').update(RECIPE_VERSION).update(list).update(entry);
    for (const f of files) {
      let st;
      try {
        st = statSync(f);
      } catch (e) {
        throw stepError('collect', `${f} is missing on this machine`, `install the package that provides it (scripts/setup), or remove it from images/host-rootfs.txt`, e);
      }
      h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
    }
    return `${NODE_IMAGE_REPO}:${h.digest('hex').slice(0, 12)}`;
  }

  /** The image tag, building it first when missing or stale. */
  async ensure(): Promise<string> {
    const tag = this.tag();
    if (await this.runtime.imageExists(tag)) return tag;
    return this.build(tag);
  }

  async build(tag = this.tag()): Promise<string> {
    const t0 = Date.now();
    const { files, entry } = this.inputs();
    this.opts.onEvent?.(`building node image ${tag} from this host's files (no registry)`);
    const all = await withLibraries(files);
    const root = mkdtempSync(join(tmpdir(), 'damc-rootfs-'));
    try {
      try {
        stage(root, all, entry);
      } catch (e) {
        throw stepError('stage', `assembling the root filesystem failed: ${(e as Error).message}`, 'check free space in ' + tmpdir(), e);
      }
      try {
        const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
        const tarDone = new Promise<void>((res, rej) => tar.on('close', (c) => (c === 0 ? res() : rej(new Error(`tar exited with ${c}`)))));
        await Promise.all([
          this.runtime.importImage(tar.stdout, tag, [
            'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            `ENTRYPOINT ["${ENTRY_IN_IMAGE}"]`,
            'CMD ["bash"]',
            `LABEL ${IMAGE_LABEL}=${IMAGE_KIND_RUNTIME}`,
            'WORKDIR /',
          ]),
          tarDone,
        ]);
      } catch (e) {
        if (e instanceof LabError && e.code === 'DOCKER_UNREACHABLE') throw e;
        throw stepError('import', `docker import of the root filesystem failed: ${(e as Error).message}`, 'is dockerd healthy? see /var/log/damc-dockerd.log', e);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    this.opts.onEvent?.(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await this.prune(tag);
    return tag;
  }

  /**
   * Removes runtime images other than `keep`: older builds are stale by definition. Docker keeps
   * one a container still uses, or one a full image (damc-node-full) is built on, until that goes.
   */
  async prune(keep: string): Promise<void> {
    for (const old of await this.runtime.imagesWithLabel(`${IMAGE_LABEL}=${IMAGE_KIND_RUNTIME}`).catch(() => [])) {
      if (!old.tags.includes(keep)) await this.runtime.removeImage(old.id).catch(() => undefined);
    }
  }
}

function stepError(step: string, msg: string, hint: string, cause: unknown): LabError {
  return new LabError('IMAGE_BUILD', `node image build failed at step '${step}': ${msg}`, hint, { cause });
}

/** Files plus, for each ELF executable, the libraries ldd resolves (and the loader). */
async function withLibraries(files: string[]): Promise<string[]> {
  const out = new Set<string>();
  await Promise.all(files.map(async (f) => {
    if (!existsSync(f)) throw stepError('collect', `${f} is missing on this machine`, 'install it (scripts/setup) or remove it from images/host-rootfs.txt', undefined);
    out.add(f);
    if (!isElf(f)) return;
    let stdout: string;
    try {
      ({ stdout } = await execFileP('ldd', [f]));
    } catch (e) {
      throw stepError('collect', `ldd ${f} failed: ${(e as Error).message}`, 'is the file a dynamic executable?', e);
    }
    for (const line of stdout.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s+(\/\S+)\s+\(/.exec(line);
      if (m?.[1]) out.add(m[1]);
      if (/not found/.test(line)) throw stepError('collect', `${f}: library missing: ${line.trim()}`, 'reinstall the package that provides it', undefined);
    }
  }));
  return [...out].sort();
}

function isElf(f: string): boolean {
  const b = Buffer.alloc(4);
  const fd = openSync(f, 'r');
  try {
    readSync(fd, b, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return b.toString('latin1') === '\x7fELF';
}

/** Copies each path keeping its symlink chain, so sonames and /usr/sbin/ip → /bin/ip still resolve. */
function stage(root: string, files: string[], entry: string): void {
  // Debian 12 is merged-/usr: mirror the top-level links first so /lib/... lands in /usr/lib/...
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/local/bin', 'etc', 'tmp', 'root', 'opt/damc', 'etc/damc', 'var/lib/damc', 'run/damc', 'proc', 'sys', 'dev']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  for (const l of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${l}`, join(root, l));
  chmodSync(join(root, 'tmp'), 0o1777);
  const copy = (p: string, depth = 0): void => {
    if (depth > 20) throw new Error(`symlink loop at ${p}`);
    const dest = join(root, p);
    if (existsSync(dest) || isLink(dest)) return;
    mkdirSync(dirname(dest), { recursive: true });
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(p);
      symlinkSync(target, dest);
      copy(resolvePath(dirname(p), target), depth + 1);
    } else {
      copyFileSync(p, dest);
      chmodSync(dest, st.mode & 0o7777);
    }
  };
  for (const f of files) copy(f);
  // POSIX shells under the names small images have them (containerlab files run `sh -c`, `ash -c`):
  // sh is bash (POSIX mode when called sh, and line-by-line on stdin as scripts expect), ash is
  // dash, the Debian port of the Almquist shell that busybox's ash also descends from.
  if (!existsSync(join(root, 'usr/bin/sh'))) symlinkSync('bash', join(root, 'usr/bin/sh'));
  if (!existsSync(join(root, 'usr/bin/ash'))) symlinkSync('dash', join(root, 'usr/bin/ash'));
  if (!existsSync(join(root, 'usr/bin/awk'))) symlinkSync('mawk', join(root, 'usr/bin/awk'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\ntcpdump:x:104:109::/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\ntcpdump:x:109:\nnogroup:x:65534:\n');
  writeFileSync(join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files\n');
  writeFileSync(join(root, ENTRY_IN_IMAGE), entry, { mode: 0o755 });
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
