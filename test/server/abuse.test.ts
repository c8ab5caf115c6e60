import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralise, toCsv } from '../../server/routes/csv.ts';
import { answer, type Caller, okPlan, signedIn } from '../helpers/api.ts';
import { mapSubscription, saveSettings, setBilling } from '../helpers/mapped.ts';
import { memberAuth } from '../helpers/sandbox.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

/** Attacks the review replayed against a running server, and the safe answer each now gets. */
let stack: Stack;
let jdoe: Caller;
const settings = (over: Record<string, unknown>) => saveSettings(jdoe, over);

beforeAll(async () => {
  stack = await startStack();
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());

describe('abuse', () => {
  it('a schedule the scheduler cannot read ("99 * * * *") is refused at save, naming the field, and nothing changes', async () => {
    const before = (await answer(jdoe.settings.$get())).body;
    const res = await settings({ schedule: '99 * * * *' });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([expect.objectContaining({ field: 'schedule' })]);
    expect((await answer(jdoe.settings.$get())).body).toEqual(before);
  });

  it('settings lists are bounded and de-duplicated', async () => {
    const many = await settings({ unattendedKinds: Array.from({ length: 50 }, () => 'prorate') });
    expect(many.status).toBe(400);
    const twice = await settings({ unattendedKinds: ['prorate', 'prorate'] });
    expect(twice.status).toBe(200);
    expect(twice.body.unattendedKinds).toEqual(['prorate']);
  });

  it('a body over 1 MB is refused with 413 before it is read', async () => {
    const res = await stack.app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ memberHash: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()) as { code: string }).toMatchObject({ code: 'too_large' });
  });

  it('CSV cells that a spreadsheet would run as formulas are neutralised; numbers are not', () => {
    expect(['=HYPERLINK("x")', '+1', '-cmd', '@SUM(A1)', '\tx', '\rx'].map(neutralise)).toEqual([
      `'=HYPERLINK("x")`,
      "'+1",
      "'-cmd",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
    ]);
    expect(['-5.00', '12', 'Acme'].map(neutralise)).toEqual(['-5.00', '12', 'Acme']);
    expect(toCsv(['Company'], [['=1+1']])).toBe("Company\r\n'=1+1\r\n");
  });

  it('ids that are not ids, numbers past the integer range and NUL characters answer 400, naming the field', async () => {
    const notUuid = await answer(jdoe['company-mappings'][':id'].$delete({ param: { id: 'not-a-uuid' } }));
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.details.fields[0]).toMatchObject({ field: 'param.id' });
    const tooBig = await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: '99999999999' } }));
    expect(tooBig.status).toBe(400);
    const tab = await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: '3000000000' } }));
    expect(tab.status).toBe(400);
    const nul = await answer(
      jdoe.subscriptions[':id'].ignore.$post({ param: { id: 'abc%00def' }, json: { reason: 'x' } }),
    );
    expect(nul.status).toBe(400);
    const nulBody = await settings({ timeZone: 'UTC\u0000' });
    expect(nulBody.status).toBe(400);
    expect(nulBody.body.details.fields[0]).toMatchObject({ field: 'json.timeZone' });
  });

  /** A sign-in over a real socket from a loopback address of its own (127.0.0.0/8 is all this machine). */
  const signInFrom = (from: string, claim: Record<string, unknown>, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const body = JSON.stringify(claim);
      const req = request(
        `${stack.appUrl.replace('localhost', '127.0.0.1')}/api/session`,
        {
          method: 'POST',
          localAddress: from,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const bogus = () => ({
    site: stack.sandboxes.cw.site,
    companyid: stack.sandboxes.world.cw.companyId,
    memberid: 'jdoe',
    memberHash: 'bogus',
  });
  const verifications = async () =>
    ((await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as { path: string }[]).filter((r) =>
      r.path.endsWith('/system/myMembers/info'),
    ).length;

  it('failed sign-ins back off per client before any ConnectWise call: 429 with Retry-After', async () => {
    const before = await verifications();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signInFrom('127.0.0.2', bogus())).status);
    // Five mistakes are free; then the client waits, and nothing more reaches ConnectWise.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(Number((await signInFrom('127.0.0.2', bogus())).retryAfter)).toBeGreaterThan(0);
    expect((await verifications()) - before).toBe(5);
  });

  it('64 bogus sign-ins from four other addresses do not stop a member signing in from a fifth', async () => {
    for (const from of ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'])
      for (let i = 0; i < 16; i++) await signInFrom(from, bogus());
    const auth = (await memberAuth(stack.sandboxes, 'jdoe')) as { memberHash: string; memberContext: string };
    const real = await signInFrom('127.0.0.7', {
      ...bogus(),
      memberHash: auth.memberHash,
      memberContext: auth.memberContext,
    });
    expect(real.status).toBe(201);
  });

  it('a forged X-Forwarded-For is counted as the socket it came on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await signInFrom('127.0.0.8', bogus(), { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  });

  it("confirm edits with negative quantities or prices, and another company's agreement as a default, answer 400 and change nothing", async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), 3, [
      ['2026-08-01', 3],
      ['2026-11-08', 5],
    ]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const [first] = okPlan(review.body.plan).operations;
    const before = stack.sandboxes.world.cw.additions.length;
    const negative = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: review.body.plan.basis,
          edits: { [first!.key]: { include: true, quantity: -5, unitPrice: -999_999_999 } },
        },
      }),
    );
    expect(negative.status).toBe(400);
    expect(negative.body.details.fields.map((f) => f.field)).toContain(`json.edits.${first!.key}.unitPrice`);
    const sign = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: review.body.plan.basis,
          edits: { [first!.key]: { include: true, quantity: -5 } },
        },
      }),
    );
    expect(sign.status).toBe(400);
    expect(sign.body.details.fields.map((f) => f.field)).toEqual([`edits.${first!.key}.quantity`]);
    expect(stack.sandboxes.world.cw.additions.length).toBe(before);

    const tab = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cwCompany.id) } }),
    );
    const foreign = stack.sandboxes.world.cw.agreements.find((a) => a.company.id !== m.cwCompany.id)!;
    const res = await answer(
      jdoe['company-mappings'][':id']['default-agreement'].$put({
        param: { id: String(tab.body.binding!.mappingId) },
        json: {
          agreementId: foreign.id,
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([expect.objectContaining({ field: 'json.agreementId' })]);
    const ok = await answer(
      jdoe['company-mappings'][':id']['default-agreement'].$put({
        param: { id: String(tab.body.binding!.mappingId) },
        json: {
          agreementId: m.agreement.id,
        },
      }),
    );
    expect(ok.status).toBe(200);
  });

  it("the pod's page lets only the requesting tenant's Manage frame it, and names no other tenant", async () => {
    const own = stack.sandboxes.cw.url;
    const csp = async (query: string) => {
      const res = await stack.app.request(`/pod/${query}`);
      return { header: res.headers.get('content-security-policy') ?? '', html: await res.text() };
    };
    const mine = await csp(`?place=company-tab&tenant=${stack.tenantId}`);
    expect(mine.header).toContain(own);
    expect(mine.header).toContain('https://na.myconnectwise.net');
    // No tenant, an unknown one or garbage: Manage's cloud only, the same answer each time.
    const none = await csp('');
    expect(none.header).not.toContain(own);
    expect(none.html).not.toContain(new URL(own).host);
    expect((await csp(`?tenant=${randomUUID()}`)).header).toBe(none.header);
    expect((await csp("?tenant=' OR 1=1")).header).toBe(none.header);
  });

  it('an unregistered site and a registered one with a bad hash get the same answer', async () => {
    const attempt = (site: string, companyid: string) =>
      stack.app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${site.length}` },
        body: JSON.stringify({ site, companyid, memberid: 'jdoe', memberHash: 'bogus' }),
      });
    const known = await attempt(stack.sandboxes.cw.site, stack.sandboxes.world.cw.companyId);
    const unknown = await attempt('na.myconnectwise.net', 'nosuchcompany');
    expect([known.status, unknown.status]).toEqual([401, 401]);
    expect(await known.json()).toEqual(await unknown.json());
  });
});
