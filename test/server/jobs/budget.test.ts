import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedPacer } from '../../../server/jobs/budget.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { insertTenant } from '../../helpers/tenant-rows.ts';

/**
 * Two pacers on one database stand for two worker processes: together they take no more than
 * the tenant's share of each window, and another tenant's budget is its own.
 */
describe('a request budget shared through the database', () => {
  let database: TestDatabase;
  let a: string;
  let b: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    a = await insertTenant(database.db, 'Budget A');
    b = await insertTenant(database.db, 'Budget B');
  });
  afterAll(async () => database?.close());

  it('two processes together stay within each window; each waits for the next window when it is spent', async () => {
    const windowMs = 500;
    // 360 a minute is 3 per half-second window.
    const first = createSharedPacer(database.db, a, 360, { windowMs });
    const second = createSharedPacer(database.db, a, 360, { windowMs });
    const other = createSharedPacer(database.db, b, 360, { windowMs });
    // Each request counted in the window its grant was made for, and when it went.
    const times: number[] = [];
    const windows: number[] = [];
    const otherTimes: number[] = [];
    const started = Date.now();
    await Promise.all([
      ...[first, second].flatMap((p) =>
        Array.from({ length: 6 }, () =>
          p.take().then((w) => {
            windows.push(w);
            times.push(Date.now());
          }),
        ),
      ),
      ...Array.from({ length: 3 }, () => other.take().then(() => otherTimes.push(Date.now()))),
    ]);
    const perWindow = new Map<number, number>();
    for (const w of windows) perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(3);
    // Twelve requests at three a window need at least four windows.
    expect(perWindow.size).toBeGreaterThanOrEqual(4);
    expect(Math.max(...times)).toBeGreaterThanOrEqual((Math.floor(started / windowMs) + 3) * windowMs);
    // B's three fit in its own first window: A's use does not slow B.
    expect(Math.max(...otherTimes) - started).toBeLessThan(windowMs);
  });

  it('a process whose clock lags gets nothing, and does not reset the window the others are in', async () => {
    const { claimBudget } = await import('../../../db/queries/budgets.ts');
    const later = new Date('2099-01-01T00:00:10Z');
    const earlier = new Date('2099-01-01T00:00:00Z');
    expect(await claimBudget(database.db, b, later, 2, 3)).toBe(2);
    expect(await claimBudget(database.db, b, earlier, 1, 3)).toBe(0);
    // The later window still counts the two already taken: one is left.
    expect(await claimBudget(database.db, b, later, 2, 3)).toBe(1);
  });
});
