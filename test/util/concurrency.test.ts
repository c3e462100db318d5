import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settleWithConcurrency } from '../../src/util/concurrency.js';

describe('settleWithConcurrency', () => {
  it('never has more than the limit in flight, keeps order and reports every outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(3), fc.boolean()), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (items, limit) => {
        let inFlight = 0;
        let most = 0;
        const results = await settleWithConcurrency(items, limit, async ([delay, fails], index) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, delay));
          inFlight--;
          if (fails) throw new Error(`item ${index}`);
          return index;
        });
        expect(most).toBeLessThanOrEqual(limit);
        expect(results).toEqual(items.map(([, fails], index) => (fails ? { status: 'rejected', reason: new Error(`item ${index}`) } : { status: 'fulfilled', value: index })));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a limit below 1', async () => {
    await expect(settleWithConcurrency([1], 0, async (x) => x)).rejects.toThrow(/at least 1/);
  });
});
