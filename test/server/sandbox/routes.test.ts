import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { apiMemberAuth, memberAuth, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';
import { shapeDifferences, shapeOf } from '../../helpers/shape.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
let s: RunningSandboxes;
let api: string;
let headers: Record<string, string>;

beforeAll(async () => {
  s = await startTestSandboxes();
  api = `${s.cw.url}/${s.world.cw.codebase}apis/3.0`;
  const auth = apiMemberAuth(s) as { publicKey: string; privateKey: string };
  headers = {
    clientId: s.world.cw.clientId,
    Authorization: `Basic ${Buffer.from(`${s.world.cw.companyId}+${auth.publicKey}:${auth.privateKey}`).toString('base64')}`,
    'Content-Type': 'application/json',
  };
});
afterAll(async () => s.close());

const expectShape = (name: string, body: unknown) =>
  expect(shapeDifferences(shapeOf(fixture(name)), shapeOf(body))).toEqual([]);

describe("sandbox ConnectWise answers in Manage's shapes", () => {
  it('companyinfo', async () => {
    expectShape(
      'connectwise/companyinfo.json',
      await (await fetch(`${s.cw.url}/login/companyinfo/${s.world.cw.companyId}`)).json(),
    );
  });

  it('member info, agreements and additions', async () => {
    expectShape(
      'connectwise/member-info.json',
      await (await fetch(`${api}/system/myMembers/info`, { headers })).json(),
    );
    const agreements = (await (await fetch(`${api}/finance/agreements?pageSize=1`, { headers })).json()) as {
      id: number;
    }[];
    expectShape('connectwise/agreement.json', agreements[0]);
    const withAdditions = s.world.cw.additions[0]!.agreementId;
    expectShape(
      'connectwise/addition.json',
      (
        (await (await fetch(`${api}/finance/agreements/${withAdditions}/additions`, { headers })).json()) as unknown[]
      )[0],
    );
  });

  it('a validation error, with its field', async () => {
    const agreement = s.world.cw.agreements.find((a) => !a.cancelledFlag)!;
    const res = await fetch(`${api}/finance/agreements/${agreement.id}/additions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        product: { id: s.world.cw.catalog[0]!.id },
        billCustomer: 'Billable',
        effectiveDate: '2001-01-01T00:00:00Z',
      }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expectShape('connectwise/invalid-object.json', body);
    expect(body).toEqual(fixture('connectwise/invalid-object.json'));
  });

  it('a 429 with Retry-After and its own body', async () => {
    await setFaults(s.cw.url, { rules: [{ path: '/system/info', status429: 1, retryAfterSeconds: 7 }] });
    const res = await fetch(`${api}/system/info`, { headers });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expectShape('connectwise/rate-limited.json', await res.json());
  });

  it('Link headers for navigable paging', async () => {
    const res = await fetch(`${api}/company/companies?pageSize=5&page=2`, { headers });
    const link = res.headers.get('link')!;
    expect(link).toMatch(/<[^>]+page=3[^>]*>; rel="next"/);
    expect(link).toMatch(/<[^>]+page=1[^>]*>; rel="prev"/);
    expect(link).toMatch(/rel="first"/);
    expect(link).toMatch(/<[^>]+page=3[^>]*>; rel="last"/);
  });

  it("Manage's own rate limit, when switched on", async () => {
    await setFaults(s.cw.url, { rules: [] });
    await fetch(`${s.cw.url}/__sandbox/rate-limit`, { method: 'PUT', body: JSON.stringify({ perMinute: 3 }) });
    await fetch(`${s.cw.url}/__sandbox/requests`, { method: 'DELETE' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${api}/system/info`, { headers })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    await fetch(`${s.cw.url}/__sandbox/rate-limit`, { method: 'PUT', body: JSON.stringify({ perMinute: null }) });
  });

  it('member login: a hash for the right password, Success false otherwise', async () => {
    const auth = await memberAuth(s, 'nross');
    expect(auth).toMatchObject({ kind: 'member', memberId: 'nross' });
    const wrong = await fetch(`${s.cw.url}/${s.world.cw.codebase}login/login.aspx?response=json`, {
      method: 'POST',
      body: new URLSearchParams({ CompanyName: s.world.cw.companyId, UserName: 'nross', Password: 'wrong' }),
    });
    expect(await wrong.json()).toMatchObject({ Success: false });
  });

  it('logs every request with its actor', async () => {
    await fetch(`${s.cw.url}/__sandbox/requests`, { method: 'DELETE' });
    await fetch(`${api}/system/info`, { headers });
    const log = (await (await fetch(`${s.cw.url}/__sandbox/requests`)).json()) as {
      path: string;
      actor: string;
      status: number;
    }[];
    expect(log).toEqual([
      expect.objectContaining({ path: `/${s.world.cw.codebase}apis/3.0/system/info`, actor: 'Pax8', status: 200 }),
    ]);
  });
});

describe("sandbox Pax8 answers in Pax8's shapes", () => {
  let token: string;
  beforeAll(async () => {
    const res = await fetch(s.pax8.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: s.world.pax8.clientId,
        client_secret: s.world.pax8.clientSecret,
        audience: 'https://api.pax8.com',
        grant_type: 'client_credentials',
      }),
    });
    const body = (await res.json()) as { access_token: string };
    expectShape('pax8/token.json', body);
    token = body.access_token;
  });
  const get = (path: string) => fetch(`${s.pax8.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it('token errors', async () => {
    const res = await fetch(s.pax8.tokenUrl, {
      method: 'POST',
      body: JSON.stringify({
        client_id: 'x',
        client_secret: 'y',
        audience: 'https://api.pax8.com',
        grant_type: 'client_credentials',
      }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(fixture('pax8/token-error.json'));
  });

  it('paged companies and a subscription', async () => {
    expectShape('pax8/companies-page.json', await (await get('/companies?page=0&size=200')).json());
    const page = (await (await get('/subscriptions?size=1')).json()) as { content: unknown[] };
    expectShape('pax8/subscription.json', page.content[0]);
  });

  it('usage lines', async () => {
    const summary = s.world.pax8.usageSummaries.find((u) =>
      s.world.pax8.usageLines.some((l) => l.usageSummaryId === u.id),
    )!;
    const page = (await (await get(`/usage-summaries/${summary.id}/usage-lines`)).json()) as { content: unknown[] };
    expectShape('pax8/usage-line.json', page.content[0]);
  });

  it('errors', async () => {
    const res = await get('/companies/0000');
    expect(res.status).toBe(404);
    expectShape('pax8/error.json', await res.json());
    expect((await fetch(`${s.pax8.baseUrl}/companies`)).status).toBe(401);
    expect((await get('/companies?size=500')).status).toBe(400);
  });
});
