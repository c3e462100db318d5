// At most N tenants at once: export and apply each start one PowerShell per tenant, and 40 tenants
// started together would hold 40 sessions' memory (measured in BENCHMARKS.md, "Fan-out").

/** How many tenants export and apply work on at once unless told otherwise (--concurrency). */
export const DEFAULT_TENANT_CONCURRENCY = 4;

/**
 * Run `work` over every item with at most `limit` in flight, keeping the items' order in the result.
 * Like Promise.allSettled: every item runs even when another fails, and each outcome is reported.
 */
export async function settleWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a whole number of at least 1, got ${limit}`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]!, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
