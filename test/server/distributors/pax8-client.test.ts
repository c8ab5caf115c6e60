import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { vendorFailure as failure } from '../../helpers/failure.ts';
import { pax8For, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
beforeAll(async () => {
  s = await startTestSandboxes({ companies: 45, subscriptions: 450 });
});
afterAll(async () => s.close());
beforeEach(async () => {
  await setFaults(s.pax8.url, { rules: [] });
  await fetch(`${s.pax8.url}/__sandbox/quirks`, {
    method: 'PUT',
    body: JSON.stringify({
      missingQuantityEvery: 0,
      dateOnly: false,
      colonlessOffset: false,
      commitmentRenamed: false,
      lowerCaseEnums: false,
    }),
  });
});

describe('Pax8 token', () => {
  it('fetches one token and reuses it until shortly before it expires', async () => {
    let clock = 1_000_000;
    const { distributor, events } = pax8For(s, { now: () => clock });
    await distributor.companies();
    await distributor.products();
    expect(events.filter((e) => e.url.endsWith('/oauth/token')).length).toBe(1);
    clock += 86_400_000 - 4 * 60_000;
    await distributor.companies();
    expect(events.filter((e) => e.url.endsWith('/oauth/token')).length).toBe(2);
  });

  it('shares one token request between concurrent calls', async () => {
    const { distributor, events } = pax8For(s);
    await Promise.all([distributor.companies(), distributor.products(), distributor.subscriptions()]);
    expect(events.filter((e) => e.url.endsWith('/oauth/token')).length).toBe(1);
  });

  it('takes the older audience when configured', async () => {
    const { distributor } = pax8For(s, { audience: 'api://p8p.client' });
    await expect(distributor.verify()).resolves.toBeUndefined();
  });

  it("reports bad credentials as an authentication error with Pax8's reason", async () => {
    const error = await failure(pax8For(s, { clientSecret: 'wrong ' }).distributor.verify());
    expect(error.code).toBe('authentication');
    expect(error.vendorCode).toBe('access_denied');
    expect(error.message).toMatch(/did not accept the client id and secret: Unauthorized/);
  });
});

describe('Pax8 paging', () => {
  it('reads every page at size 200, with the minimum number of calls', async () => {
    const { distributor, events } = pax8For(s);
    const subs = await distributor.subscriptions();
    expect(subs.items.length).toBe(450);
    expect(new Set(subs.items.map((x) => x.id)).size).toBe(450);
    const pages = events.filter((e) => e.url.includes('/v1/subscriptions'));
    expect(pages.length).toBe(3);
    expect(pages.every((e) => new URL(e.url).searchParams.get('size') === '200')).toBe(true);
  });

  it('reads single-resource lists that come without a page envelope', async () => {
    const { distributor } = pax8For(s);
    const sub = s.world.pax8.subscriptions.find((x) => s.world.pax8.history[x.id]!.length > 1)!;
    const history = await distributor.subscriptionHistory(sub.id);
    expect(history.items.map((h) => h.quantity)).toEqual(s.world.pax8.history[sub.id]!.map((h) => h.quantity));
    const pricing = await distributor.pricing(sub.productId);
    expect(pricing.items.length).toBeGreaterThan(0);
  });

  it('filters subscriptions by company', async () => {
    const company = s.world.pax8.companies[3]!;
    const subs = await pax8For(s).distributor.subscriptions({ companyId: company.id });
    expect(subs.items.length).toBeGreaterThan(0);
    expect(subs.items.every((x) => x.companyId === company.id)).toBe(true);
  });
});

describe('Pax8 usage and invoices', () => {
  it('reads usage summaries and their sub-product lines for a day', async () => {
    const { distributor } = pax8For(s);
    const line = s.world.pax8.usageLines.at(-1)!;
    const summary = s.world.pax8.usageSummaries.find((u) => u.id === line.usageSummaryId)!;
    const summaries = await distributor.usageSummaries(summary.subscriptionId);
    expect(summaries.items.map((u) => u.id)).toContain(summary.id);
    const lines = await distributor.usageLines(summary.id, line.usageDate);
    const expected = s.world.pax8.usageLines.filter(
      (l) => l.usageSummaryId === summary.id && l.usageDate === line.usageDate,
    );
    expect(lines.items.map((l) => [l.productName, l.quantity])).toEqual(
      expected.map((l) => [l.productName, l.quantity]),
    );
    expect(lines.problems).toEqual([]);
  });

  it('reads invoices in a date range and their items, with exact totals', async () => {
    const { distributor } = pax8For(s);
    const invoices = await distributor.invoices({ from: '2026-11-01', to: '2026-11-30' });
    expect(invoices.items).toHaveLength(1);
    const items = await distributor.invoiceItems(invoices.items[0]!);
    const world = s.world.pax8.invoiceItems;
    expect(items.items.length).toBe(world.length);
    const first = world[0]!;
    expect(items.items[0]).toMatchObject({
      subscriptionId: first.subscriptionId,
      quantity: first.quantity,
      startPeriod: first.startPeriod,
    });
    expect((await distributor.invoices({ from: '2025-01-01', to: '2025-01-31' })).items).toEqual([]);
  });
});

describe('Pax8 quirks from the sandbox', () => {
  const quirks = (q: Record<string, unknown>) =>
    fetch(`${s.pax8.url}/__sandbox/quirks`, { method: 'PUT', body: JSON.stringify(q) });

  it('missing quantities become unknown and are reported, never 0', async () => {
    await quirks({ missingQuantityEvery: 5 });
    const subs = await pax8For(s).distributor.subscriptions();
    const unknown = subs.items.filter((x) => x.quantity === null);
    expect(unknown.length).toBe(90);
    expect(subs.items.some((x) => x.quantity === 0)).toBe(false);
    expect(subs.problems.filter((p) => p.field === 'quantity').length).toBe(90);
  });

  it('date-only dates and colon-less offsets read as the same instants', async () => {
    const plain = await pax8For(s).distributor.subscriptions();
    await quirks({ dateOnly: true, colonlessOffset: true });
    const odd = await pax8For(s).distributor.subscriptions();
    expect(odd.problems).toEqual([]);
    for (const [i, sub] of odd.items.entries()) {
      expect(sub.updatedAt).toBe(plain.items[i]!.updatedAt);
      expect(sub.startDate).toBe(`${plain.items[i]!.startDate!.slice(0, 10)}T00:00:00.000Z`);
    }
  });

  it('reads `commitment` and lower-case enums as the spec names', async () => {
    await quirks({ commitmentRenamed: true, lowerCaseEnums: true });
    const subs = await pax8For(s).distributor.subscriptions();
    expect(subs.problems).toEqual([]);
    const annual = subs.items.find((x) => x.billingTerm === 'Annual')!;
    expect(annual.commitment?.term).toBe('Annual');
    expect(subs.items.every((x) => x.status === 'Active' || x.status === 'Cancelled')).toBe(true);
  });
});

describe('Pax8 errors', () => {
  it('retries reads through 429s and 500s', async () => {
    await setFaults(s.pax8.url, {
      rules: [
        { path: '/v1/companies', status429: 1, retryAfterSeconds: 0 },
        { path: '/v1/products', status500: 2 },
      ],
    });
    const { distributor, events } = pax8For(s);
    expect((await distributor.companies()).items.length).toBe(45);
    expect((await distributor.products()).items.length).toBeGreaterThan(5);
    expect(events.filter((e) => e.url.includes('/v1/products')).map((e) => e.status)).toEqual([500, 500, 200]);
  });

  it('backs off a 429 that names no Retry-After, as Pax8 documents it, and gets through', async () => {
    await setFaults(s.pax8.url, { rules: [{ path: '/v1/invoices', status429: 2 }] });
    const answers: { status?: number; retryAfter?: string | null }[] = [];
    const { distributor, events } = pax8For(s, {
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
        return res;
      },
    });
    expect((await distributor.invoices({ from: '2026-11-01', to: '2026-11-30' })).items).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toEqual([
      { status: 429, retryAfter: null },
      { status: 429, retryAfter: null },
    ]);
    expect(events.filter((e) => e.url.includes('/v1/invoices')).map((e) => e.status)).toEqual([429, 429, 200]);
  });

  it("reports a missing record as not_found with Pax8's message", async () => {
    const error = await failure(pax8For(s).distributor.subscriptionHistory('no-such-id'));
    expect(error.code).toBe('not_found');
    expect(error.vendorCode).toBe('NOT_FOUND');
    expect(error.message).toMatch(/Subscription no-such-id not found/);
  });
});
