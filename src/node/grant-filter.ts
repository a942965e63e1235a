/**
 * Every router's grant check (class 2 with grants): a prefix of a received prefix LSA is used
 * for routes only with a valid SPA grant for that prefix and that origin; the others are ignored
 * and counted (and logged once per LSA). Verdicts are kept per LSA object, so an SPF over an
 * unchanged LSDB verifies nothing again; a verdict is redone once a grant in it expires.
 */
import type { Clock } from '../routing/clock.js';
import type { PrefixFilter } from '../routing/index.js';
import type { GrantChecker, GrantVerdict } from '../service/index.js';
import type { Logger } from '../util/log.js';
import { Name, type PrefixEntry, type PrefixLsa } from '../wire/index.js';

export type GrantCounters = Record<`prefix-${Exclude<GrantVerdict, 'ok'>}` | 'prefixGranted', number>;

export function newGrantCounters(): GrantCounters {
  return {
    prefixGranted: 0, 'prefix-no-grant': 0, 'prefix-wrong-prefix': 0, 'prefix-wrong-gateway': 0,
    'prefix-unknown-authority': 0, 'prefix-bad-signature': 0, 'prefix-expired': 0,
  };
}

/** The node config's infraPrefixes as grantFilter takes them (Name keys). */
export function infraPrefixesOf(infra: Readonly<Record<string, string>> | undefined): Map<string, string> {
  return new Map(Object.entries(infra ?? {}).map(([p, origin]) => [Name.parse(p).key, Name.parse(origin).key]));
}

/** May `origin` advertise `e`: a valid SPA grant, or an infrastructure name it alone may originate without one. */
export function grantVerdict(checker: GrantChecker, infra: ReadonlyMap<string, string>, e: PrefixEntry, origin: Name, now: number): GrantVerdict {
  return !e.grant && infra.get(e.prefix.key) === origin.key ? 'ok' : checker.check(e, origin, now);
}

/**
 * `infra`: prefix -> the one origin allowed to advertise it without a grant (the lab's own
 * infrastructure names, from the node config's infraPrefixes); keys are Name keys.
 */
export function grantFilter(checker: GrantChecker, clock: Clock, counters: GrantCounters, log: Logger, nodeOf: (key: string) => string,
  infra: ReadonlyMap<string, string> = new Map()): PrefixFilter {
  const memo = new WeakMap<PrefixLsa, { entries: readonly PrefixEntry[]; until: number }>();
  return (lsa) => {
    const now = clock.now();
    const m = memo.get(lsa);
    if (m && now < m.until) return m.entries;
    const ok: PrefixEntry[] = [];
    const ignored: { prefix: string; verdict: GrantVerdict }[] = [];
    let until = Infinity;
    for (const e of lsa.prefixes) {
      const v = grantVerdict(checker, infra, e, lsa.origin, now);
      if (v === 'ok') {
        ok.push(e);
        if (e.grant) until = Math.min(until, e.grant.expires);
      } else ignored.push({ prefix: e.prefix.toString(), verdict: v });
    }
    if (!m) {
      // Counted and logged once per LSA received, not once per SPF run.
      counters.prefixGranted += ok.length;
      for (const i of ignored) counters[`prefix-${i.verdict}` as keyof GrantCounters]++;
      if (ignored.length > 0) {
        log.warn({ event: 'prefix-ignored', origin: nodeOf(lsa.origin.key), part: lsa.part ?? 0, seq: lsa.seq.toString(), ignored: ignored.slice(0, 10), count: ignored.length },
          `ignored ${ignored.length} prefixes of ${nodeOf(lsa.origin.key)} without a valid grant (${ignored[0]!.prefix}: ${ignored[0]!.verdict}${ignored.length > 1 ? ', …' : ''})`);
      }
    }
    memo.set(lsa, { entries: ok, until });
    return ok;
  };
}
