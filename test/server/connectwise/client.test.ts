import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { where } from '../../../server/connectwise/conditions.ts';
import { apiBaseUrl } from '../../../server/connectwise/site.ts';
import { listen } from '../../../server/sandbox/serve.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { vendorFailure as failure } from '../../helpers/failure.ts';
import { apiMemberAuth, cwClientFor, memberAuth, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
beforeAll(async () => {
  s = await startTestSandboxes({ companies: 30 });
});
afterAll(async () => s.close());
beforeEach(async () => {
  await setFaults(s.cw.url, { rules: [] });
});

/** An active, non-prorating agreement invoiced through this month, and a plain catalog item. */
function fixtures() {
  const agreement = s.world.cw.agreements.find(
    (a) =>
      !a.cancelledFlag &&
      !a.prorateFlag &&
      a.agreementStatus === 'Active' &&
      a.nextInvoiceDate === '2026-12-01T00:00:00Z',
  )!;
  const item = s.world.cw.catalog.find((i) => i.productClass !== 'Bundle')!;
  return { agreement, item };
}

describe('site discovery', () => {
  it('finds the codebase through companyinfo once, then reuses it', async () => {
    const { client, events } = cwClientFor(s);
    await client.system.info();
    await client.system.info();
    expect(events.filter((e) => e.url.includes('/login/companyinfo/')).length).toBe(1);
    expect(await client.apiBaseUrl()).toBe(`http://${s.cw.site}/v2025_1/apis/3.0`);
  });

  it('uses the api- host for cloud sites', () => {
    expect(
      apiBaseUrl({ site: 'na.myconnectwise.net', protocol: 'https' }, { Codebase: 'v2025_1/', IsCloud: true }),
    ).toBe('https://api-na.myconnectwise.net/v2025_1/apis/3.0');
    expect(apiBaseUrl({ site: 'cw.acme.com', protocol: 'https' }, { Codebase: 'v4_6_release/', IsCloud: false })).toBe(
      'https://cw.acme.com/v4_6_release/apis/3.0',
    );
  });

  it('sends clientId and the pinned Accept version on every call', async () => {
    const seen: Headers[] = [];
    const { client } = cwClientFor(s, apiMemberAuth(s), {
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    await client.system.info();
    expect(seen.length).toBe(2);
    for (const h of seen) {
      expect(h.get('clientId')).toBe(s.world.cw.clientId);
      expect(h.get('Accept')).toBe('application/vnd.connectwise.com+json; version=2022.1');
    }
  });
});

describe('authentication', () => {
  it('accepts API member keys and member hashes', async () => {
    expect((await cwClientFor(s).client.system.myMember()).identifier).toBe('Pax8');
    const member = cwClientFor(s, await memberAuth(s, 'jdoe'));
    expect((await member.client.system.myMember()).fullName).toBe('Jane Doe');
  });

  it('rejects a wrong private key, a forged hash, an inactive member and a missing clientId', async () => {
    const wrongKey = await failure(
      cwClientFor(s, { kind: 'apiMember', publicKey: 'CIV5t8keF17BYGWg', privateKey: 'nope' }).client.system.info(),
    );
    expect(wrongKey.code).toBe('authentication');
    expect(wrongKey.message).toMatch(/did not accept the credentials/);
    const forged = await failure(
      cwClientFor(s, { kind: 'member', memberId: 'jdoe', memberHash: 'forged' }).client.system.myMember(),
    );
    expect(forged.code).toBe('authentication');
    await expect(memberAuth(s, 'former')).rejects.toThrow(/login failed/);
    const noClient = await failure(cwClientFor(s, apiMemberAuth(s), { clientId: '' }).client.system.info());
    expect(noClient.code).toBe('authentication');
    expect(noClient.message).toMatch(/clientId/);
  });

  it('reports a role that may read but not write additions as a permission error', async () => {
    const { agreement, item } = fixtures();
    const finance = cwClientFor(s, await memberAuth(s, 'kpark')).client;
    expect(Array.isArray(await finance.additions.list(agreement.id))).toBe(true);
    const denied = await failure(
      finance.additions.create(agreement.id, {
        product: { id: item.id },
        billCustomer: 'Billable',
        quantity: 1,
        effectiveDate: '2026-12-01T00:00:00Z',
      }),
    );
    expect(denied.code).toBe('permission');
    expect(denied.status).toBe(403);
  });
});

describe('paging', () => {
  it('follows Link headers across several pages and makes exactly one call per page', async () => {
    const { client, events } = cwClientFor(s);
    await client.companyInfo();
    events.length = 0;
    const all = await client.companies.search({ pageSize: 7, orderBy: 'id asc' });
    expect(all.map((c) => c.id)).toEqual(s.world.cw.companies.map((c) => c.id).sort((a, b) => a - b));
    expect(events.length).toBe(Math.ceil(s.world.cw.companies.length / 7));
  });

  it('supports forward-only paging', async () => {
    const { client, events } = cwClientFor(s);
    await client.companyInfo();
    events.length = 0;
    const all = await client.companies.search({ pageSize: 10, forwardOnly: true });
    expect(all.length).toBe(s.world.cw.companies.length);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    // Every page after the first is asked for by the last id seen, never by page number.
    expect(
      events
        .slice(1)
        .every((e) => new URL(e.url).searchParams.has('pageId') && !new URL(e.url).searchParams.has('page')),
    ).toBe(true);
    expect(new URL(events[0]!.url).searchParams.has('page')).toBe(false);
    expect(events.length).toBe(Math.ceil(s.world.cw.companies.length / 10));
  });
});

describe('conditions against the sandbox', () => {
  it('answers every operator as Manage would', async () => {
    const { client } = cwClientFor(s);
    const companies = s.world.cw.companies;
    const first = companies[0]!;
    const names = async (conditions: string) => (await client.companies.search({ conditions })).map((c) => c.name);
    expect(await names(where.eq('name', first.name))).toContain(first.name);
    expect((await names(where.ne('id', first.id))).length).toBe(companies.length - 1);
    expect((await client.companies.search({ conditions: where.lt('id', first.id + 2) })).length).toBe(2);
    expect((await client.companies.search({ conditions: where.le('id', first.id) })).length).toBe(1);
    expect((await client.companies.search({ conditions: where.gt('id', companies.at(-1)!.id - 1) })).length).toBe(1);
    expect((await client.companies.search({ conditions: where.ge('id', companies.at(-1)!.id) })).length).toBe(1);
    expect(await names(where.like('name', 'Frontier%'))).toEqual(['Frontier Wealth Mgmt']);
    expect(await names(where.contains('name', 'chemical'))).toEqual(['Ace Chemical Processing Plant']);
    expect((await names(where.in('id', [first.id, companies[1]!.id]))).length).toBe(2);
    expect(
      (await names(where.and(where.eq('name', 'Arcadia Tech'), where.ne('website', null)))).length,
    ).toBeLessThanOrEqual(2);
    expect(
      await names(
        where.and(
          where.eq('deletedFlag', false),
          where.or(where.like('name', 'Oxford%'), where.like('name', 'Dynamo%')),
        ),
      ),
    ).toEqual(['Oxford Senior Living', 'Dynamo Corp.']);
    const agreements = await client.agreements.list({
      conditions: where.and(where.eq('company/id', first.id), where.ge('startDate', new Date('2020-01-01T00:00:00Z'))),
    });
    expect(agreements.length).toBeGreaterThan(0);
    expect(agreements.every((a) => a.company.id === first.id)).toBe(true);
  });

  it('surfaces a malformed query as a validation error naming conditions', async () => {
    const error = await failure(cwClientFor(s).client.companies.search({ conditions: 'name == "x"' }));
    expect(error.code).toBe('validation');
    expect(error.fields[0]?.field).toBe('conditions');
    const unknown = await failure(cwClientFor(s).client.companies.search({ conditions: 'colour="red"' }));
    expect(unknown.message).toMatch(/Unrecognized field name: colour/);
  });
});

describe('additions validation', () => {
  it("surfaces each of Manage's refusals with its field", async () => {
    const { client } = cwClientFor(s);
    const { agreement, item } = fixtures();
    const base = { product: { id: item.id }, billCustomer: 'Billable' as const, quantity: 1 };

    const beforeStart = await failure(
      client.additions.create(agreement.id, { ...base, effectiveDate: '2020-01-01T00:00:00Z' }),
    );
    expect(beforeStart.fields).toEqual([
      expect.objectContaining({
        field: 'effectiveDate',
        message: 'effectiveDate cannot be less than the agreement billing start date',
      }),
    ]);

    const invoiced = await failure(
      client.additions.create(agreement.id, { ...base, effectiveDate: '2026-11-15T00:00:00Z' }),
    );
    expect(invoiced.fields[0]?.message).toMatch(/^Since this period has already been invoiced/);

    const bundle = s.world.cw.catalog.find((i) => i.productClass === 'Bundle')!;
    const bundled = await failure(
      client.additions.create(agreement.id, {
        ...base,
        product: { id: bundle.id },
        effectiveDate: '2026-12-01T00:00:00Z',
      }),
    );
    expect(bundled.fields[0]).toMatchObject({ field: 'product', message: expect.stringMatching(/Bundle/) });

    const long = await failure(
      client.additions.create(agreement.id, {
        ...base,
        effectiveDate: '2026-12-01T00:00:00Z',
        invoiceDescription: 'x'.repeat(6001),
      }),
    );
    expect(long.fields[0]).toMatchObject({ field: 'invoiceDescription', message: expect.stringMatching(/6000/) });

    const missing = await failure(
      client.additions.create(agreement.id, {
        product: { id: item.id },
        quantity: 1,
        effectiveDate: '2026-12-01T00:00:00Z',
      } as never),
    );
    expect(missing.fields[0]).toMatchObject({ field: 'billCustomer' });

    const cancelled = s.world.cw.agreements.find((a) => a.cancelledFlag)!;
    const closed = await failure(
      client.additions.create(cancelled.id, { ...base, effectiveDate: '2026-12-01T00:00:00Z' }),
    );
    expect(closed.fields[0]?.message).toMatch(/cancelled agreement/);
  });

  it('accepts a mid-period effective date on a prorating agreement, and PATCHes and cancels', async () => {
    const { client } = cwClientFor(s);
    const prorating = s.world.cw.agreements.find((a) => a.prorateFlag && !a.cancelledFlag)!;
    const { item } = fixtures();
    const created = await client.additions.create(prorating.id, {
      product: { id: item.id },
      billCustomer: 'Billable',
      quantity: 2,
      unitPrice: 25,
      unitCost: 20,
      effectiveDate: '2026-11-09T00:00:00Z',
    });
    expect(created.extPrice).toBe(50);
    const patched = await client.additions.patch(prorating.id, created.id, [
      { op: 'replace', path: 'quantity', value: 3 },
    ]);
    expect(patched.quantity).toBe(3);
    expect(patched.extPrice).toBe(75);
    const cancelled = await client.additions.cancel(prorating.id, created.id, '2026-11-30T00:00:00Z');
    expect(cancelled.cancelledDate).toBe('2026-11-30T00:00:00Z');
    const badPath = await failure(
      client.additions.patch(prorating.id, created.id, [{ op: 'replace', path: 'Quantity', value: 3 }]),
    );
    expect(badPath.fields[0]?.message).toMatch(/case-sensitive/);
  });
});

describe('429 and 5xx', () => {
  it('honours Retry-After on a 429 and then succeeds', async () => {
    await setFaults(s.cw.url, { rules: [{ path: '/system/info', status429: 1, retryAfterSeconds: 1 }] });
    const { client, events } = cwClientFor(s);
    await client.companyInfo();
    const started = Date.now();
    expect((await client.system.info()).version).toMatch(/^v2025/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(events.filter((e) => e.url.endsWith('/system/info')).map((e) => e.status)).toEqual([429, 200]);
  });

  it('retries a write that was refused with 429, since it was not applied', async () => {
    const { agreement, item } = fixtures();
    await setFaults(s.cw.url, {
      rules: [{ method: 'POST', path: `/agreements/${agreement.id}/additions`, status429: 2, retryAfterSeconds: 0 }],
    });
    const { client } = cwClientFor(s);
    const before = s.world.cw.additions.length;
    await client.additions.create(agreement.id, {
      product: { id: item.id },
      billCustomer: 'Billable',
      quantity: 1,
      effectiveDate: '2026-12-01T00:00:00Z',
    });
    expect(s.world.cw.additions.length).toBe(before + 1);
  });

  it('gives up after its attempts with rate_limited', async () => {
    await setFaults(s.cw.url, { rules: [{ path: '/system/info', status429: 10, retryAfterSeconds: 0 }] });
    const error = await failure(cwClientFor(s).client.system.info());
    expect(error.code).toBe('rate_limited');
    expect(error.vendorCode).toBe('ConnectWiseAPI');
  });

  it('backs off and retries reads that hit 500s', async () => {
    await setFaults(s.cw.url, { rules: [{ method: 'GET', path: '/company/companies$', status500: 2 }] });
    const { client, events } = cwClientFor(s);
    expect((await client.companies.search({ pageSize: 1000 })).length).toBe(s.world.cw.companies.length);
    expect(events.filter((e) => e.url.includes('/company/companies')).map((e) => e.status)).toEqual([500, 500, 200]);
  });

  it('turns a persistent 500 on a read into a server error', async () => {
    await setFaults(s.cw.url, { rules: [{ path: '/system/info', status500: 10 }] });
    expect((await failure(cwClientFor(s).client.system.info())).code).toBe('server');
  });
});

describe('writes that may have been applied', () => {
  it('reports a 500 on POST as an unknown outcome and does not retry it', async () => {
    const { agreement, item } = fixtures();
    await setFaults(s.cw.url, {
      rules: [{ method: 'POST', path: `/agreements/${agreement.id}/additions`, status500: 1 }],
    });
    const { client, events } = cwClientFor(s);
    const error = await failure(
      client.additions.create(agreement.id, {
        product: { id: item.id },
        billCustomer: 'Billable',
        quantity: 1,
        effectiveDate: '2026-12-01T00:00:00Z',
      }),
    );
    expect(error.code).toBe('unknown_outcome');
    expect(error.message).toMatch(/Re-read before trying again/);
    expect(events.filter((e) => e.method === 'POST').length).toBe(1);
  });

  it('reports a timeout after commit on POST as unknown; a re-read finds the one addition', async () => {
    const { agreement, item } = fixtures();
    await setFaults(s.cw.url, {
      rules: [{ method: 'POST', path: `/agreements/${agreement.id}/additions`, timeoutAfterCommit: 1 }],
    });
    const { client, events } = cwClientFor(s, apiMemberAuth(s), { timeoutMs: 500 });
    const marker = `timeout-${Date.now()}`;
    const error = await failure(
      client.additions.create(agreement.id, {
        product: { id: item.id },
        billCustomer: 'Billable',
        quantity: 4,
        effectiveDate: '2026-12-01T00:00:00Z',
        serialNumber: marker,
      }),
    );
    expect(error.code).toBe('unknown_outcome');
    expect(events.filter((e) => e.method === 'POST').length).toBe(1);
    const found = await client.additions.list(agreement.id, { conditions: where.eq('serialNumber', marker) });
    expect(found.map((a) => a.quantity)).toEqual([4]);
  });

  it('reports a timeout after commit on PATCH as unknown; the change was applied once', async () => {
    const { client } = cwClientFor(s, apiMemberAuth(s), { timeoutMs: 500 });
    const prorating = s.world.cw.agreements.find((a) => a.prorateFlag && !a.cancelledFlag)!;
    const { item } = fixtures();
    const created = await client.additions.create(prorating.id, {
      product: { id: item.id },
      billCustomer: 'Billable',
      quantity: 2,
      effectiveDate: '2026-11-10T00:00:00Z',
    });
    await setFaults(s.cw.url, {
      rules: [{ method: 'PATCH', path: `/additions/${created.id}$`, timeoutAfterCommit: 1 }],
    });
    const error = await failure(
      client.additions.patch(prorating.id, created.id, [{ op: 'replace', path: 'quantity', value: 9 }]),
    );
    expect(error.code).toBe('unknown_outcome');
    expect((await client.additions.get(prorating.id, created.id)).quantity).toBe(9);
  });

  it('reports an unreachable server as a network error, not an unknown outcome', async () => {
    const closed = await listen(new Hono());
    await closed.close();
    const host = new URL(closed.url).host;
    const { client } = cwClientFor(s, apiMemberAuth(s), { site: host });
    expect((await failure(client.system.info())).code).toBe('network');
  });
});

describe('answers we cannot read', () => {
  it('names the field when ConnectWise sends a record of the wrong shape', async () => {
    const odd = new Hono()
      .get('/login/companyinfo/:id', (c) => c.json({ CompanyName: 'Odd', Codebase: 'v1/', IsCloud: false }))
      .get('/v1/apis/3.0/company/companies', (c) => c.json([{ id: 'seven', identifier: 'x', name: 'y' }]));
    const server = await listen(odd);
    try {
      const { client } = cwClientFor(s, apiMemberAuth(s), { site: new URL(server.url).host });
      const error = await failure(client.companies.search());
      expect(error.code).toBe('bad_response');
      expect(error.message).toMatch(/field 0\.id/);
    } finally {
      await server.close();
    }
  });
});
