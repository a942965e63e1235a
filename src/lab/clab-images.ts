/**
 * The image each node of a containerlab lab runs: its own (pulled when missing, with progress,
 * as image-pull-policy says), else with --image-fallback the lab image (each substitution
 * recorded), else an error that says no registry gave it.
 */
import type { ResolvedTopology } from '../topology/index.js';
import { LabError, isLabError } from '../util/errors.js';
import type { ClabImageChoice } from './clab-spec.js';
import type { LabContext } from './context.js';

export /** Each node's image: its own (pulled when missing), or the lab image (none given, or --image-fallback). */
async function chooseImages(topo: ResolvedTopology, ctx: LabContext, fallback: boolean, labImage: () => Promise<string>,
  subs: { node: string; image: string; with: string }[]): Promise<Map<string, ClabImageChoice>> {
  const out = new Map<string, ClabImageChoice>();
  const status = new Map<string, Promise<LabError | undefined>>();
  /** image-pull-policy: IfNotPresent (default) pulls a missing image, always pulls (keeping a local copy when no registry answers), never does not pull. */
  const ensure = (ref: string, policy: string) => {
    const key = `${ref}\0${policy}`;
    let p = status.get(key);
    if (!p) {
      p = (async () => {
        const here = await ctx.runtime.imageExists(ref);
        const pol = policy.toLowerCase();
        if (here && pol !== 'always') return undefined;
        if (pol === 'never') return new LabError('IMAGE_PULL', `image ${ref} does not exist on this machine (image-pull-policy: never)`, 'load it (docker load), or deploy with --image-fallback');
        ctx.onEvent(`pulling image ${ref}`);
        try {
          await ctx.runtime.pullImage(ref, (line) => ctx.onEvent(`  ${ref}: ${line}`));
          return undefined;
        } catch (e) {
          if (!isLabError(e) || e.code !== 'IMAGE_PULL') throw e;
          if (here) {
            ctx.onEvent(`image-pull-policy always: ${e.message}; using the local ${ref}`);
            return undefined;
          }
          return e;
        }
      })();
      status.set(key, p);
    }
    return p;
  };
  for (const n of topo.nodes.values()) {
    if (n.image === undefined) {
      out.set(n.name, { image: await labImage(), labImage: true });
      continue;
    }
    const err = await ensure(n.image, n.clab?.imagePullPolicy ?? 'IfNotPresent');
    if (!err) {
      out.set(n.name, { image: n.image, labImage: false });
    } else if (fallback) {
      const li = await labImage();
      subs.push({ node: n.name, image: n.image, with: li });
      out.set(n.name, { image: li, labImage: true });
    } else {
      throw Object.assign(new LabError('IMAGE_UNAVAILABLE', `node ${n.name}: ${err.message}`, err.hint), { node: n.name });
    }
  }
  return out;
}

