/**
 * Runs fn over items with at most `limit` in flight, and waits for every started call to
 * settle before reporting the first failure, so a rollback never races a create still running.
 */
export async function settleAll<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let firstError: { e: unknown; item: T } | undefined;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      if (firstError) return;
      try {
        results[i] = await fn(item);
      } catch (e) {
        firstError ??= { e, item };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError) throw new SettledError(firstError.e, firstError.item);
  return results;
}

export class SettledError<T = unknown> extends Error {
  constructor(readonly error: unknown, readonly item: T) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
