import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberSessions, tenantSettings } from '../../../db/schema.ts';
import type { Clock } from '../../../server/clock.ts';
import type { MemberAuthentication } from '../../../shared/schemas/session.ts';
import { memberAuth } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

let now = DateTime.utc();
const clock: Clock = { now: () => now as DateTime<true> };
let a: Stack;
let b: Stack;

beforeAll(async () => {
  // Two instances, two tenants: a second sandbox ConnectWise with its own company id.
  [a, b] = await Promise.all([startStack({ clock, sessionTtlMinutes: 60 }), startStack({ clock })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function claimFor(stack: Stack, memberId: string): Promise<MemberAuthentication> {
  const auth = (await memberAuth(stack.sandboxes, memberId)) as { memberHash: string; memberContext: string };
  return {
    site: stack.sandboxes.cw.site,
    companyid: stack.sandboxes.world.cw.companyId,
    memberid: memberId,
    memberHash: auth.memberHash,
    memberContext: auth.memberContext,
    memberEmail: null,
  };
}

async function signIn(stack: Stack, memberId: string) {
  const res = await stack.app.request('/api/session', {
    method: 'POST',
    body: JSON.stringify(await claimFor(stack, memberId)),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { token: string; member: { id: string; name: string }; tenant: { id: string } };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('POST /api/session', () => {
  it('verifies the member with ConnectWise and returns a session, never the member hash', async () => {
    const claim = await claimFor(a, 'jdoe');
    const res = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify(claim),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(claim.memberHash);
    const body = JSON.parse(text);
    expect(body.member).toEqual({ id: 'jdoe', name: 'Jane Doe', email: 'jdoe@sandbox-msp.example' });
    expect(body.tenant.id).toBe(a.tenantId);
    const me = await a.app.request('/api/session', { headers: bearer(body.token) });
    expect(await me.json()).toMatchObject({ member: { id: 'jdoe' } });
  });

  it('stores only the token hash and a sealed member hash, and logs neither', async () => {
    const claim = await claimFor(a, 'nross');
    const res = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify(claim),
      headers: { 'content-type': 'application/json' },
    });
    const { token } = (await res.json()) as { token: string };
    const rows = await a.database.db.select().from(memberSessions).where(eq(memberSessions.memberId, 'nross'));
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(claim.memberHash);
    expect(stored).not.toContain(token);
    expect(rows[0]!.memberHashEnc.startsWith('v1.')).toBe(true);
    expect(a.logger.lines.join('\n')).not.toContain(claim.memberHash);
  });

  it('answers an unknown ConnectWise instance exactly as a refused sign-in, so registrations cannot be probed', async () => {
    const claim = { ...(await claimFor(a, 'jdoe')), site: 'eu.myconnectwise.net' };
    const res = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify(claim),
      headers: { 'content-type': 'application/json' },
    });
    const forged = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify({ ...(await claimFor(a, 'jdoe')), memberHash: 'forged' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(await forged.json());
  });

  it('refuses a forged hash, and a claim to be someone else, with 401', async () => {
    const forged = { ...(await claimFor(a, 'jdoe')), memberHash: 'forged' };
    const res = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify(forged),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ details: { reason: 'member_not_verified' } });
    const kpark = await claimFor(a, 'kpark');
    const impostor = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify({ ...kpark, memberid: 'jdoe' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(impostor.status).toBe(401);
  });

  it('names the missing field in a malformed claim', async () => {
    const res = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify({ site: 'x', companyid: 'y' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { fields: { field: string }[] } };
    expect(body.details.fields.map((f) => f.field).sort()).toEqual(['json.memberHash', 'json.memberid']);
  });
});

describe('every other /api route needs a session', () => {
  it('rejects no token, an unknown token, and a cross-site request that carries only cookies', async () => {
    const attempts: Record<string, string>[] = [
      {},
      bearer('not-a-token'),
      { Cookie: 'session=anything', Origin: 'https://evil.example' },
    ];
    for (const headers of attempts) {
      const res = await a.app.request('/api/settings', {
        method: 'PUT',
        body: JSON.stringify({}),
        headers: { 'content-type': 'application/json', ...headers },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ details: { reason: 'no_session' } });
    }
    expect((await a.database.db.select().from(tenantSettings)).length).toBe(0);
  });

  it('tells an expired session to reload', async () => {
    const { token } = await signIn(a, 'jdoe');
    now = now.plus({ minutes: 61 });
    try {
      const res = await a.app.request('/api/session', { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        message: 'Your session has ended. Reload the tab to sign in again.',
        details: { reason: 'session_expired' },
      });
    } finally {
      now = DateTime.utc();
    }
  });

  it('tells a member whose ConnectWise credentials stop working to reload', async () => {
    const { token } = await signIn(a, 'amarkov');
    const company = a.sandboxes.world.cw.companies[0]!;
    expect((await a.app.request(`/api/records/company/${company.id}`, { headers: bearer(token) })).status).toBe(200);
    await fetch(`${a.hostUrl}/__sandbox/members/amarkov/revoke`, { method: 'POST' });
    const res = await a.app.request(`/api/records/company/${company.id}`, { headers: bearer(token) });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('reload_required');
    expect(body.message).toMatch(/Reload the tab/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
  });
});

describe('tenant scoping', () => {
  it("reads and writes only the session's tenant, and records who wrote", async () => {
    const ta = await signIn(a, 'jdoe');
    const tb = await signIn(b, 'nross');
    const settings = {
      autoSync: true,
      schedule: '30 2 * * *',
      timeZone: 'America/New_York',
      unattendedKinds: ['increase'],
      rules: {
        positiveChange: 'actual-date',
        negativeChange: 'first-of-next-month',
        cancellation: 'last-day-of-month',
        proration: 'separate-one-time',
      },
    };
    const put = await a.app.request('/api/settings', {
      method: 'PUT',
      body: JSON.stringify(settings),
      headers: { 'content-type': 'application/json', ...bearer(ta.token) },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ ...settings, updatedBy: 'Jane Doe (jdoe)' });

    // B's own server does not know A's token, and B's settings are untouched.
    expect((await b.app.request('/api/settings', { headers: bearer(ta.token) })).status).toBe(401);
    expect(await (await b.app.request('/api/settings', { headers: bearer(tb.token) })).json()).toMatchObject({
      autoSync: false,
      updatedBy: null,
    });

    // Within one database: a session of another tenant sees its own row only.
    const [row] = await a.database.db.select().from(tenantSettings).where(eq(tenantSettings.tenantId, ta.tenant.id));
    expect(row?.updatedBy).toBe('Jane Doe (jdoe)');
  });

  it('keeps two tenants in one database apart', async () => {
    // Register B's sandbox as a second tenant of A's server.
    const { bootstrapSandboxTenant } = await import('../../../server/sandbox/bootstrap.ts');
    const { setup } = await bootstrapSandboxTenant(
      { now: () => new Date(), db: a.database.db, secrets: a.secrets },
      b.sandboxes,
      a.appUrl,
    );
    expect(setup.tenant.id).not.toBe(a.tenantId);
    const ta = await signIn(a, 'nross');
    const claimB = await claimFor(b, 'nross');
    const resB = await a.app.request('/api/session', {
      method: 'POST',
      body: JSON.stringify(claimB),
      headers: { 'content-type': 'application/json' },
    });
    const tb = (await resB.json()) as { token: string; tenant: { id: string } };
    expect(tb.tenant.id).toBe(setup.tenant.id);

    const put = (token: string, autoSync: boolean) =>
      a.app.request('/api/settings', {
        method: 'PUT',
        body: JSON.stringify({ autoSync, schedule: '0 0 * * *', timeZone: 'UTC', unattendedKinds: [], rules: {} }),
        headers: { 'content-type': 'application/json', ...bearer(token) },
      });
    expect((await put(tb.token, true)).status).toBe(200);
    expect((await put(ta.token, false)).status).toBe(200);
    expect(await (await a.app.request('/api/settings', { headers: bearer(tb.token) })).json()).toMatchObject({
      autoSync: true,
      updatedBy: 'Nicholas Ross (nross)',
    });
    expect(await (await a.app.request('/api/settings', { headers: bearer(ta.token) })).json()).toMatchObject({
      autoSync: false,
    });
  });

  it('names a bad settings field', async () => {
    const { token } = await signIn(a, 'jdoe');
    const res = await a.app.request('/api/settings', {
      method: 'PUT',
      body: JSON.stringify({
        autoSync: true,
        schedule: 'daily',
        timeZone: 'Mars/Olympus',
        unattendedKinds: ['everything'],
        rules: {},
      }),
      headers: { 'content-type': 'application/json', ...bearer(token) },
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { details: { fields: { field: string; message: string }[] } }).details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['json.schedule', 'json.timeZone', 'json.unattendedKinds.0']);
  });
});
