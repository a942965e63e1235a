/**
 * The self-contained node image, damc-node-full:<tag>: the runtime image (NodeImage) plus the
 * built project at /opt/damc, for running a node without the repository (docker save, another
 * engine). Deploy does not need it: it bind-mounts the project, so a code change costs no image
 * build. Made by `docker build` (the engine's classic builder) whose Dockerfile says
 * `FROM damc-node:<hash>`, a local image, so no registry is asked; the build context is a staged
 * copy of the project with production node_modules only (`npm prune --omit=dev`, offline).
 *
 * The tag is the first 12 hex digits of a sha256 over the recipe (images/full.Dockerfile), the
 * runtime image's tag (itself a hash of the host files in it) and the content of every project
 * file staged: package.json, package-lock.json, node_modules/.package-lock.json (the installed
 * tree), dist/src/**.js and the raw-frame addon. Same tag = same project in the same runtime.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { LabError } from '../util/errors.js';
import { IMAGE_LABEL, type NodeImage } from './node-image.js';
import type { Runtime } from './runtime.js';

const execFileP = promisify(execFile);
export const FULL_IMAGE_REPO = 'damc-node-full';
export const IMAGE_KIND_FULL = 'node-full';
const RECIPE = 'full.Dockerfile';
/** Where the loader looks for the addon: dist/src/face/ + ../../../src/face/native/build/Release/. */
const ADDON_DIR = 'src/face/native/build/Release';
/** npm's record of the installed tree (the staged copy's is rewritten by the prune). */
const INSTALLED_LOCK = 'node_modules/.package-lock.json';

export interface FullNodeImageOptions {
  /** The built repository (package.json, dist/, node_modules/, the addon). */
  projectDir: string;
  /** Holds full.Dockerfile (the project's images/). */
  imagesDir: string;
  /** The runtime image this one is built on; built first when missing. */
  runtimeImage: NodeImage;
  /** Docker API socket (the classic builder is reached through the API, not the CLI). */
  socketPath: string;
  onEvent?: (msg: string) => void;
}

export interface BuildFigures {
  tag: string;
  base: string;
  seconds: number;
  stageSeconds: number;
  /** Whole image, and the project layer on top of the runtime image. */
  bytes: number;
  projectBytes: number;
  removedDevPackages: number;
}

export class FullNodeImage {
  private readonly docker: Docker;
  constructor(private readonly runtime: Runtime, private readonly opts: FullNodeImageOptions) {
    this.docker = new Docker({ socketPath: opts.socketPath });
  }

  /** Project files copied as they are (paths relative to the project), sorted. */
  private projectFiles(): string[] {
    const p = this.opts.projectDir;
    const need = ['package.json', 'package-lock.json', INSTALLED_LOCK, 'dist/src'];
    for (const f of need) {
      if (!existsSync(join(p, f))) {
        throw stepError('collect', `${join(p, f)} is missing`, f.startsWith('dist') || f.startsWith('node_modules') ? 'build the project first: npm ci && npm run build' : 'run it from the repository', undefined);
      }
    }
    const addons = existsSync(join(p, ADDON_DIR)) ? readdirSync(join(p, ADDON_DIR)).filter((f) => f.endsWith('.node')) : [];
    if (addons.length === 0) throw stepError('collect', `no native addon in ${join(p, ADDON_DIR)}`, 'build it: npm run build:native', undefined);
    const js = walk(join(p, 'dist/src')).filter((f) => f.endsWith('.js')).map((f) => join('dist/src', f));
    return ['package.json', 'package-lock.json', ...js, ...addons.map((a) => join(ADDON_DIR, a))].sort();
  }

  private recipe(): string {
    try {
      return readFileSync(join(this.opts.imagesDir, RECIPE), 'utf8');
    } catch (e) {
      throw stepError('collect', `cannot read ${join(this.opts.imagesDir, RECIPE)}: ${(e as Error).message}`, 'the images/ directory of the project is incomplete', e);
    }
  }

  /** The tag the current project and runtime produce (reads ~1 MB: the compiled JS and the addon). */
  tag(runtimeTag = this.opts.runtimeImage.tag()): string {
    const p = this.opts.projectDir;
    return this.hash(runtimeTag, p, this.projectFiles(), readFileSync(join(p, INSTALLED_LOCK)));
  }

  private hash(runtimeTag: string, root: string, files: string[], installedLock: Buffer): string {
    const h = createHash('sha256').update(this.recipe()).update(`\0${runtimeTag}\0`);
    for (const f of files) h.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
    h.update(`${INSTALLED_LOCK}\0`).update(installedLock).update('\0');
    return `${FULL_IMAGE_REPO}:${h.digest('hex').slice(0, 12)}`;
  }

  /** The full image's tag, building the runtime image and then this one when missing (or `force`). */
  async ensure(force = false): Promise<{ tag: string; built?: BuildFigures }> {
    const base = await this.opts.runtimeImage.ensure();
    const tag = this.tag(base);
    if (!force && (await this.runtime.imageExists(tag))) return { tag };
    const built = await this.build(base, tag, force);
    return { tag: built.tag, built };
  }

  private async build(base: string, wanted: string, force: boolean): Promise<BuildFigures> {
    const t0 = Date.now();
    this.opts.onEvent?.(`building ${wanted} FROM ${base}: the runtime plus the built project at /opt/damc (no registry)`);
    const dir = mkdtempSync(join(tmpdir(), 'damc-full-'));
    try {
      const { removedDevPackages, tag } = await this.stage(dir, base);
      if (tag !== wanted) this.opts.onEvent?.(`the project changed while it was copied (a build running?); the copy is ${tag}`);
      const stageSeconds = (Date.now() - t0) / 1000;
      await this.dockerBuild(dir, tag, { BASE: base, SOURCE: await gitSource(this.opts.projectDir) }, force);
      const bytes = (await this.docker.getImage(tag).inspect()).Size;
      const baseBytes = (await this.docker.getImage(base).inspect()).Size;
      const seconds = (Date.now() - t0) / 1000;
      this.opts.onEvent?.(`built ${tag} in ${seconds.toFixed(1)} s (staging ${stageSeconds.toFixed(1)} s): ${mb(bytes)}, of which the project layer ${mb(bytes - baseBytes)}`);
      await this.prune(tag);
      await this.opts.runtimeImage.prune(base); // runtime images the pruned full ones were built on
      return { tag, base, seconds, stageSeconds, bytes, projectBytes: bytes - baseBytes, removedDevPackages };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Fills <dir>/project and <dir>/Dockerfile; returns how many dev packages the prune removed and
   * the tag of what was copied (so the tag names the content even if a build ran meanwhile).
   */
  private async stage(dir: string, base: string): Promise<{ removedDevPackages: number; tag: string }> {
    const src = this.opts.projectDir;
    const dst = join(dir, 'project');
    const files = this.projectFiles();
    const installedLock = readFileSync(join(src, INSTALLED_LOCK));
    try {
      for (const f of files) {
        mkdirSync(dirname(join(dst, f)), { recursive: true });
        copyFileSync(join(src, f), join(dst, f));
      }
      copyFileSync(join(this.opts.imagesDir, RECIPE), join(dir, 'Dockerfile'));
      // cp -a keeps modes and the relative links of node_modules/.bin; built native modules come along.
      await execFileP('cp', ['-a', join(src, 'node_modules'), join(dst, 'node_modules')]);
    } catch (e) {
      if (e instanceof LabError) throw e;
      throw stepError('stage', `copying the project failed: ${(e as Error).message}`, `check free space in ${tmpdir()}`, e);
    }
    let out: string;
    try {
      ({ stdout: out } = await execFileP('npm', ['prune', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
        cwd: dst, env: { ...process.env, npm_config_update_notifier: 'false' },
      }));
    } catch (e) {
      throw stepError('prune', `npm prune --omit=dev failed: ${(e as Error).message}`, 'is node_modules in step with package-lock.json? run npm ci in the repository', e);
    }
    // npm leaves the scope directories it emptied (@npmcli, @isaacs, …).
    for (const d of readdirSync(join(dst, 'node_modules'))) {
      const p = join(dst, 'node_modules', d);
      if (d.startsWith('@') && readdirSync(p).length === 0) rmdirSync(p);
    }
    return { removedDevPackages: Number(/removed (\d+) package/.exec(out)?.[1] ?? 0), tag: this.hash(base, dst, files, installedLock) };
  }

  private async dockerBuild(dir: string, tag: string, buildargs: Record<string, string>, nocache: boolean): Promise<void> {
    try {
      const tar = spawn('tar', ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const tarDone = new Promise<void>((res, rej) => tar.on('close', (c) => (c === 0 ? res() : rej(new Error(`tar exited with ${c}`)))));
      const out = await this.docker.buildImage(tar.stdout, { t: tag, buildargs, rm: true, forcerm: true, pull: false, nocache, version: '1', networkmode: 'none' });
      await Promise.all([tarDone, new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(out, (err: Error | null, events: { error?: string }[]) => {
          const bad = events?.find((ev) => ev.error);
          if (err || bad) reject(new Error(err?.message ?? bad?.error));
          else resolve();
        });
      })]);
    } catch (e) {
      throw stepError('build', `docker build of ${tag} failed: ${(e as Error).message}`, 'is dockerd healthy? see /var/log/damc-dockerd.log', e);
    }
  }

  /** Removes full images other than `keep` (stale by definition); Docker keeps ones in use. */
  async prune(keep: string): Promise<void> {
    for (const old of await this.runtime.imagesWithLabel(`${IMAGE_LABEL}=${IMAGE_KIND_FULL}`).catch(() => [])) {
      if (!old.tags.includes(keep)) await this.runtime.removeImage(old.id).catch(() => undefined);
    }
  }
}

export interface DamcImageInfo {
  tags: string[];
  id: string;
  kind: string;
  bytes: number;
  created: Date;
  labels: Record<string, string>;
}

/** Every image the lab built (runtime and full), newest first. */
export async function listDamcImages(socketPath: string): Promise<DamcImageInfo[]> {
  const imgs = await new Docker({ socketPath }).listImages({ filters: { label: [IMAGE_LABEL] } });
  return imgs
    .map((i) => ({
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      id: i.Id.replace(/^sha256:/, '').slice(0, 12),
      kind: i.Labels?.[IMAGE_LABEL] ?? '?',
      bytes: i.Size,
      created: new Date(i.Created * 1000),
      labels: i.Labels ?? {},
    }))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = join(rel, e.name);
    if (e.isDirectory()) out.push(...walk(root, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** git HEAD and whether the work tree differs from it: a label for people, not part of the tag. */
async function gitSource(dir: string): Promise<string> {
  try {
    const { stdout: head } = await execFileP('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD']);
    const { stdout: st } = await execFileP('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no']);
    return `${head.trim()}${st.trim() ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

function stepError(step: string, msg: string, hint: string, cause: unknown): LabError {
  return new LabError('IMAGE_BUILD', `full node image build failed at step '${step}': ${msg}`, hint, { cause });
}
