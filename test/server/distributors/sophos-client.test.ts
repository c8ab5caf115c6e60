import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { READ_REUSE_MS } from '../../../server/distributors/sophos/adapter.ts';
import { sophosKind } from '../../../server/distributors/sophos/kind.ts';
import type { RequestEvent } from '../../../server/http/send.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { answer } from '../../helpers/api.ts';
import { vendorFailure as failure } from '../../helpers/failure.ts';
import { FAST_RETRY, SANDBOX_TODAY, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
beforeAll(async () => {
  // Enough ConnectWise companies for Sophos's tenants to fill more than one page of 100.
  s = await startTestSandboxes({ companies: 400, subscriptions: 400 });
});
afterAll(async () => s.close());
beforeEach(async () => setFaults(s.sophos.url, { rules: [] }));

let clock = Date.parse(`${SANDBOX_TODAY}T12:00:00Z`);
const sophosFor = (over: Record<string, string> = {}) => {
  const events: RequestEvent[] = [];
  const credentials = sophosKind.credentials.parse({
    clientId: s.world.sophos.clientId,
    clientSecret: s.world.sophos.clientSecret,
    tokenUrl: s.sophos.tokenUrl,
    apiUrl: s.sophos.url,
    ...over,
  });
  const store = { read: async () => credentials, replace: async () => true };
  const distributor = sophosKind.open(credentials, store, {
    retry: FAST_RETRY,
    onRequest: (e) => events.push(e),
    now: () => clock,
  });
  return { distributor, events };
};

describe('Sophos Central, against its sandbox', () => {
  it('grants a token with client credentials, asks whoami once, and sends the partner id on partner calls', async () => {
    const { distributor, events } = sophosFor();
    await distributor.verify();
    await distributor.companies();
    expect(events.filter((e) => e.url.endsWith('/api/v2/oauth2/token'))).toHaveLength(1);
    expect(events.filter((e) => e.url.includes('/whoami/v1'))).toHaveLength(1);
    // Without the partner id, a partner call is refused: the header is what makes it a partner's.
    const token = await (
      await fetch(s.sophos.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: s.world.sophos.clientId,
          client_secret: s.world.sophos.clientSecret,
          scope: 'token',
        }),
      })
    ).json();
    const bare = await fetch(`${s.sophos.url}/partner/v1/tenants`, {
      headers: { Authorization: `Bearer ${(token as { access_token: string }).access_token}` },
    });
    expect(bare.status).toBe(403);
  });

  it('names refused credentials, and where to make new ones', async () => {
    const error = await failure(sophosFor({ clientSecret: 'wrong' }).distributor.verify());
    expect(error.code).toBe('authentication');
    expect(error.message).toMatch(
      /^Sophos Central did not accept the credentials: .*Settings › API Credentials.*Invalid client credentials/,
    );
  });

  it('lists every tenant as a company, page by page, with its address', async () => {
    const { distributor, events } = sophosFor();
    const tenants = s.world.sophos.tenants;
    expect(tenants.length).toBeGreaterThan(100);
    const companies = await distributor.companies();
    expect(companies.problems).toEqual([]);
    expect(companies.items.map((c) => c.id).sort()).toEqual(tenants.map((t) => t.id).sort());
    expect(events.filter((e) => e.url.includes('/partner/v1/tenants'))).toHaveLength(Math.ceil(tenants.length / 100));
    const first = tenants[0]!;
    expect(companies.items.find((c) => c.id === first.id)).toMatchObject({
      name: first.showAs,
      address: { city: first.contact.address.city, postalCode: first.contact.address.postalCode },
    });
  });

  it('bills only usage tenants: one monthly usage subscription each, at $0 rates', async () => {
    const { distributor } = sophosFor();
    const subs = await distributor.subscriptions();
    const usage = s.world.sophos.tenants.filter((t) => t.billingType === 'usage');
    expect(subs.items.map((x) => x.id).sort()).toEqual(usage.map((t) => t.id).sort());
    expect(subs.items[0]).toMatchObject({ billingTerm: 'Monthly', status: 'Active', unitPrice: 0, unitCost: 0 });
  });

  it('reads a month of usage once for every tenant, per product, and reports the licence no tenant is assigned', async () => {
    const { distributor, events } = sophosFor();
    const tenant = s.world.sophos.tenants.find((t) => t.billingType === 'usage')!;
    const [summary] = (await distributor.usageSummaries(tenant.id)).items;
    expect(summary).toMatchObject({ id: tenant.id, resourceGroup: tenant.showAs });
    const lines = await distributor.usageLines(tenant.id, '2026-10-31');
    const expected = s.world.sophos.usage.filter((u) => u.year === 2026 && u.month === 10 && u.accountId === tenant.id);
    expect(lines.items.map((l) => [l.productName, l.quantity]).sort()).toEqual(
      expected.map((u) => [u.productDescription, u.billableQuantity]).sort(),
    );
    expect(lines.items.map((l) => l.productName)).toEqual(
      expect.arrayContaining(['Central Intercept X Advanced', 'Central Email Advanced']),
    );
    expect(lines.problems).toEqual([
      expect.objectContaining({
        field: 'tenant',
        effect: 'dropped',
        message:
          '1 × Xstream Protection XGS 2100 Monthly is assigned to no tenant, so it is billed to nobody: assign the licence to its customer in Sophos Central.',
      }),
    ]);
    // Another tenant's month is read from the same answer, not asked again.
    const other = s.world.sophos.tenants.filter((t) => t.billingType === 'usage')[1]!;
    await distributor.usageLines(other.id, '2026-10-31');
    const october = s.world.sophos.usage.filter((u) => u.year === 2026 && u.month === 10).length;
    expect(events.filter((e) => e.url.includes('/billing/usage/2026/10'))).toHaveLength(Math.ceil(october / 100));
    expect(await distributor.subProducts!((await distributor.subscriptions()).items, SANDBOX_TODAY)).toEqual([
      'Central Email Advanced',
      'Central Intercept X Advanced',
      'Central Intercept X Advanced for Server',
      'Xstream Protection XGS 2100 Monthly',
    ]);
  });

  it('reuses a read for a minute only: the client lives as long as the connection', async () => {
    const { distributor, events } = sophosFor();
    const tenant = s.world.sophos.tenants.find((t) => t.billingType === 'usage')!;
    const record = s.world.sophos.usage.find((u) => u.year === 2026 && u.month === 11 && u.accountId === tenant.id)!;
    const count = async () =>
      (await distributor.usageLines(tenant.id, SANDBOX_TODAY)).items.find(
        (l) => l.productName === record.productDescription,
      )?.quantity;
    const before = await count();
    record.billableQuantity += 5;
    expect(await count()).toBe(before);
    clock += READ_REUSE_MS;
    expect(await count()).toBe(before! + 5);
    expect(events.filter((e) => e.url.includes('/billing/usage/2026/11')).length).toBeGreaterThan(1);
  });

  it('retries a read that failed with a 500, and says it has no invoices', async () => {
    const { distributor, events } = sophosFor();
    await setFaults(s.sophos.url, { rules: [{ path: '/partner/v1/tenants$', status500: 1 }] });
    await expect(distributor.companies()).resolves.toMatchObject({ problems: [] });
    expect(events.filter((e) => e.status === 500)).toHaveLength(1);
    expect(distributor.capabilities).toMatchObject({ usage: true, invoices: false });
    expect((await failure(distributor.invoices({ from: '2026-10-01', to: '2026-10-31' }))).message).toBe(
      "Sophos Central's Partner API has no invoices.",
    );
  });
});

describe('Sophos Central on the Connections page', () => {
  it('is connected, tested and removed like the other distributors', async () => {
    const { startStack } = await import('../../helpers/stack.ts');
    const { signedIn } = await import('../../helpers/api.ts');
    const { sandboxCredentials } = await import('../../../server/sandbox/bootstrap.ts');
    const stack = await startStack();
    try {
      const jdoe = await signedIn(stack, 'jdoe');
      const wrong = await answer(
        jdoe.connections.$put({
          json: {
            distributors: { sophos: { ...sandboxCredentials(stack.sandboxes, 'sophos'), clientSecret: 'wrong' } },
          },
        }),
      );
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(wrong.body)).toMatch(/Sophos Central did not accept the credentials/);
      const connected = await answer(
        jdoe.connections.$put({
          json: {
            distributors: { sophos: sandboxCredentials(stack.sandboxes, 'sophos') },
          },
        }),
      );
      expect(connected.status, JSON.stringify(connected.body)).toBe(200);
      const listed = await answer(jdoe.connections.$get());
      const sophos = listed.body.distributors.find((d: { kind: string }) => d.kind === 'sophos')!;
      expect(sophos).toMatchObject({ displayName: 'Sophos Central', connected: true });
      expect(JSON.stringify(listed.body)).not.toContain(stack.sandboxes.world.sophos.clientSecret);
      const tested = await answer(jdoe.connections.test.$post());
      expect(tested.status).toBe(200);
      expect(JSON.stringify(tested.body)).toMatch(/sophos/);
      expect((await answer(jdoe.connections[':kind'].$delete({ param: { kind: 'sophos' } }))).status).toBe(200);
      const after = await answer(jdoe.connections.$get());
      expect(after.body.distributors.find((d: { kind: string }) => d.kind === 'sophos')).toMatchObject({
        connected: false,
      });
    } finally {
      await stack.close();
    }
  });
});
