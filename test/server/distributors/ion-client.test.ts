import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIonDistributor } from '../../../server/distributors/ion/adapter.ts';
import {
  createIonApi,
  type IonApiOptions,
  type IonTokens,
  type RefreshTokenStore,
} from '../../../server/distributors/ion/api.ts';
import type { RequestEvent } from '../../../server/http/send.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { parseMicros } from '../../../shared/money.ts';
import { vendorFailure as failure } from '../../helpers/failure.ts';
import { FAST_RETRY, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
beforeAll(async () => {
  // Enough ConnectWise companies for Ion's customers to hold more than one page of subscriptions.
  s = await startTestSandboxes({ companies: 150, subscriptions: 300 });
});
afterAll(async () => s.close());
beforeEach(async () => {
  await setFaults(s.ion.url, { rules: [] });
  s.ion.control.now = () => Date.now();
});

/** The stored tokens as the database keeps them: read, and replaced only if unchanged. */
function memoryStore(initial: string) {
  const store = {
    value: initial,
    access: undefined as IonTokens['accessToken'],
    replaced: [] as string[],
    /** How many stores fail next, as a database that does not answer. */
    failing: 0,
    async read(): Promise<IonTokens> {
      return { refreshToken: store.value, ...(store.access ? { accessToken: store.access } : {}) };
    },
    async replace(used: string, next: IonTokens) {
      if (store.failing > 0) {
        store.failing--;
        throw new Error('the database did not answer');
      }
      if (store.value !== used) return false;
      store.value = next.refreshToken;
      store.access = next.accessToken;
      store.replaced.push(next.refreshToken);
      return true;
    },
  };
  return store;
}

/** A fresh refresh token, as an admin gets from the portal's "Request New Credentials". */
async function newRefreshToken(): Promise<string> {
  const res = await fetch(`${s.ion.url}/__sandbox/credentials`, { method: 'POST' });
  return ((await res.json()) as { refreshToken: string }).refreshToken;
}

async function ionFor(tokens?: RefreshTokenStore, extra: Partial<IonApiOptions> = {}) {
  const events: RequestEvent[] = [];
  const store = tokens ?? memoryStore(await newRefreshToken());
  const api = createIonApi({
    baseUrl: s.ion.url,
    accountId: s.world.ion.accountId,
    tokens: store,
    retry: FAST_RETRY,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { api, distributor: createIonDistributor(api), events, store };
}
const grants = (events: RequestEvent[]) => events.filter((e) => e.url.endsWith('/oauth/token')).length;

describe('StreamOne Ion refresh tokens', () => {
  it('stores the new refresh token on every grant, and the next process starts from it', async () => {
    const store = memoryStore(await newRefreshToken());
    const first = store.value;
    const a = await ionFor(store);
    await a.distributor.companies();
    expect(store.value).not.toBe(first);
    expect(store.replaced).toHaveLength(1);

    // A restarted process uses the shared access token while it is good: no grant, nothing spent.
    const b = await ionFor(store);
    await expect(b.distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(grants(b.events)).toBe(0);
    expect(store.replaced).toHaveLength(1);
    // Without one, it grants with the stored, rotated token.
    store.access = undefined;
    const c = await ionFor(store);
    await expect(c.distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(store.replaced).toHaveLength(2);
    // The first token is spent: Ion refuses it, as it refuses any reused refresh token.
    const reused = await failure((await ionFor(memoryStore(first))).distributor.verify());
    expect(reused.message).toMatch(/already been used/);
  });

  it('keeps the access token for about two hours, then grants again and rotates', async () => {
    let clock = 1_000_000;
    const { distributor, events, store } = await ionFor(undefined, { now: () => clock });
    await distributor.companies();
    await distributor.products();
    expect(grants(events)).toBe(1);
    clock += 7_200_000 - 4 * 60_000;
    await distributor.companies();
    expect(grants(events)).toBe(2);
    expect((store as ReturnType<typeof memoryStore>).replaced).toHaveLength(2);
  });

  it('keeps a new refresh token whose store failed, and stores it before the next grant: the connection survives', async () => {
    let clock = 1_000_000;
    const store = memoryStore(await newRefreshToken());
    const spent = store.value;
    store.failing = 10;
    const { distributor, events } = await ionFor(store, { now: () => clock });
    // The grant worked and its store did not: the call still succeeds, on the token kept in memory.
    await expect(distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(store.value).toBe(spent);
    // The database answers again: the kept token is stored first, then used; nothing says "reconnect".
    store.failing = 0;
    clock += 7_200_000;
    await expect(distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(store.value).not.toBe(spent);
    expect(grants(events)).toBe(2);
    // A process started now goes on from what is stored.
    store.access = undefined;
    await expect((await ionFor(store)).distributor.verify()).resolves.toBeUndefined();
  });

  it('a 503 on the grant spends nothing: the connection stands and the next try works', async () => {
    const store = memoryStore(await newRefreshToken());
    const before = store.value;
    await setFaults(s.ion.url, { rules: [{ method: 'POST', path: '^/oauth/token$', status503: 1 }] });
    const { distributor } = await ionFor(store);
    const error = await failure(distributor.companies());
    expect(error.message).toBe(
      'StreamOne Ion is unavailable for now; the connection is unchanged. Try again in a few minutes.',
    );
    expect(store.value).toBe(before);
    await expect(distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(store.value).not.toBe(before);
  });

  it('shares one grant between concurrent calls, since two would spend the same token', async () => {
    const { distributor, events } = await ionFor();
    await Promise.all([distributor.companies(), distributor.products(), distributor.subscriptions()]);
    expect(grants(events)).toBe(1);
  });

  it('two processes sharing the stored tokens both get through: the one refused takes the access token the other stored', async () => {
    const store = memoryStore(await newRefreshToken());
    const [a, b] = [await ionFor(store), await ionFor(store)];
    await expect(Promise.all([a.distributor.verify(), b.distributor.verify()])).resolves.toEqual([
      undefined,
      undefined,
    ]);
    // Without a lock both grant once; the refused one then uses the shared access token, not a third grant.
    expect(grants(a.events) + grants(b.events)).toBe(2);
  });

  it('a reused refresh token is a clear "reconnect" error, and is not presented again until it changes', async () => {
    const store = memoryStore(await newRefreshToken());
    await (await ionFor(memoryStore(store.value))).distributor.verify(); // spent elsewhere
    const { distributor, events } = await ionFor(store);
    const error = await failure(distributor.companies());
    expect(error.code).toBe('authentication');
    expect(error.vendorCode).toBe('invalid_grant');
    expect(error.message).toMatch(/already been used.*Reconnect StreamOne Ion/);
    expect(error.retryable).toBe(false);
    // No loop: asking again fails at once without another grant.
    await failure(distributor.companies());
    expect(grants(events)).toBe(1);
    // Once an admin reconnects (a new token is stored), the same client works again.
    store.value = await newRefreshToken();
    await expect(distributor.verify()).resolves.toBeUndefined();
  });

  it('an expired refresh token (older than 32 days) says so, and how to reconnect', async () => {
    const { distributor } = await ionFor();
    s.ion.control.now = () => Date.now() + 33 * 86_400_000;
    const error = await failure(distributor.verify());
    expect(error.code).toBe('authentication');
    expect(error.message).toMatch(/Refresh token expired.*Reconnect StreamOne Ion/);
  });
});

describe('StreamOne Ion reads', () => {
  it('reads every page of subscriptions at size 100 with the minimum number of calls', async () => {
    const { distributor, events } = await ionFor();
    const subs = await distributor.subscriptions();
    const total = s.world.ion.subscriptions.length;
    expect(total).toBeGreaterThan(100);
    expect(subs.items).toHaveLength(total);
    expect(subs.problems).toEqual([]);
    const reads = events.filter((e) => e.url.includes('/subscriptions'));
    expect(reads).toHaveLength(Math.ceil(total / 100));
    // Ion's account-wide list pages by limit and offset, not by page token.
    expect(reads.map((e) => new URL(e.url).searchParams.get('pagination.offset'))).toEqual(
      reads.map((_, i) => String(i * 100)),
    );
    expect(reads.every((e) => new URL(e.url).searchParams.get('pagination.limit') === '100')).toBe(true);
  });

  it('turns customers, SKUs and subscriptions into the common model', async () => {
    const { distributor } = await ionFor();
    const companies = await distributor.companies();
    expect(companies.items).toHaveLength(s.world.ion.customers.length);
    const raw = s.world.ion.subscriptions.find((x) => x.subscriptionBillingTerm === 'P1Y')!;
    const key = `${raw.customerId}-${raw.id}`;
    const [sub] = (await distributor.subscription(key)).items;
    expect(sub).toMatchObject({
      id: key,
      companyId: raw.customerId,
      productId: `${raw.ccpProductId}:${raw.ccpSkuId}`,
      quantity: Number(raw.subscriptionTotalLicenses),
      status: 'Active',
      endDate: null,
      commitment: { term: '1-Year' },
      unitPrice: Math.round(raw.price * 1_000_000),
    });
    const mine = await distributor.subscriptions({ companyId: raw.customerId });
    expect(mine.items.map((x) => x.id)).toContain(key);
    expect(mine.items.every((x) => x.companyId === raw.customerId)).toBe(true);

    const products = await distributor.products();
    expect(products.items.map((p) => p.vendorName).sort()).toEqual(
      expect.arrayContaining(['Adobe', 'Google', 'Microsoft']),
    );
    const pricing = await distributor.pricing('Microsoft365NCE:Microsoft-365-Business-Premium');
    expect(pricing.items.map((p) => [p.billingTerm, p.commitmentTerm, p.unitPrice])).toEqual([
      ['Monthly', null, 26_400_000],
      ['Monthly', '1-Year', 22_000_000],
    ]);
  });

  it('honours Retry-After on a 429 and retries a read that failed with a 500', async () => {
    const { distributor, events } = await ionFor();
    await setFaults(s.ion.url, { rules: [{ path: '/customers$', status429: 1, retryAfterSeconds: 1, status500: 0 }] });
    const started = Date.now();
    await distributor.companies();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await setFaults(s.ion.url, { rules: [{ path: '/customers$', status500: 1 }] });
    await expect(distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(events.filter((e) => e.status === 500)).toHaveLength(1);
  });

  it('reads invoices from the billing report the admin chose, its columns found by heading, each line keyed to its subscription', async () => {
    const { api, events } = await ionFor();
    const range = { from: '2000-01-01', to: '2100-01-01' };
    const chosen = (billingReportId?: string) => createIonDistributor(api, async () => ({ billingReportId }));
    expect((await failure(chosen().invoices(range))).message).toMatch(
      /^Choose StreamOne Ion's billing report on the Connections page/,
    );
    expect((await failure(chosen('1').invoices(range))).message).toMatch(/\(1\) is no longer in StreamOne Ion/);
    expect((await failure(chosen('49041').invoices(range))).message).toMatch(
      /"Invoice summary" has no "Subscription ID" column\. Add it to the report in the Ion portal/,
    );
    const distributor = chosen('49038');
    const lines = s.world.ion.billingLines;
    const before = events.filter((e) => e.url.endsWith('/reportDataCsv')).length;
    const invoices = await distributor.invoices(range);
    expect(invoices.problems).toEqual([]);
    expect(invoices.items.map((i) => i.id).sort()).toEqual([...new Set(lines.map((l) => l.invoiceId))].sort());
    const first = invoices.items[0]!;
    const mine = lines.filter((l) => l.invoiceId === first.id);
    expect(first.total).toBe(mine.reduce((n, l) => n + parseMicros(l.total, { round: true }), 0));
    const items = await distributor.invoiceItems(first);
    // The invoice's lines come from the report read a moment ago: one POST for both.
    expect(events.filter((e) => e.url.endsWith('/reportDataCsv')).length - before).toBe(1);
    expect(events.find((e) => e.url.endsWith('/reportDataCsv'))?.method).toBe('POST');
    expect(items.items).toHaveLength(mine.length);
    const line = mine[0]!;
    expect(items.items.find((i) => i.subscriptionId === `${line.customerId}-${line.subscriptionId}`)).toMatchObject({
      companyId: line.customerId,
      kind: 'seats',
      productId: `${line.productId}:${line.skuId}`,
      quantity: line.quantity,
      startPeriod: line.chargeStartDate,
    });
    // One customer's invoices only.
    const theirs = await distributor.invoices({ ...range, companyId: line.customerId });
    expect(theirs.items.every((i) => i.total > 0)).toBe(true);
    expect(theirs.items.reduce((n, i) => n + i.total, 0)).toBe(
      lines
        .filter((l) => l.customerId === line.customerId)
        .reduce((n, l) => n + parseMicros(l.total, { round: true }), 0),
    );
  });

  it("another reseller's account is refused with Ion's reason", async () => {
    const { distributor } = await ionFor(undefined, { accountId: '99999' });
    const error = await failure(distributor.companies());
    expect(error.code).toBe('permission');
    expect(error.message).toMatch(/may not read this account: No access to account 99999/);
  });
});
