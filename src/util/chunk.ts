/**
 * Splits a list into runs whose encoding stays within a byte budget (announcements and SPA
 * responses must each fit one frame): the sum of `itemSize` over a run stays <= `budget`
 * (the caller leaves room for the message's fixed part). Greedy and linear; an item bigger
 * than the budget still goes, alone.
 */
export function chunkBySize<T>(items: readonly T[], itemSize: (item: T) => number, budget: number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let used = 0;
  for (const it of items) {
    const s = itemSize(it);
    if (run.length > 0 && used + s > budget) {
      out.push(run);
      run = [];
      used = 0;
    }
    run.push(it);
    used += s;
  }
  if (run.length > 0) out.push(run);
  return out;
}
