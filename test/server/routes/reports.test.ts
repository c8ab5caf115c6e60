import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const tenant = async () => (await stack.database.db.query.tenants.findFirst())!;

async function drifted(pax8Name: string, cwName: string, base: number, now: number) {
  return setBilling(stack, await mapSubscription(stack, jdoe, pax8Name, undefined, cwName), base, [
    ['2026-08-01', base],
    ['2026-11-09', now],
  ]);
}

let oxford: Awaited<ReturnType<typeof drifted>>;

beforeAll(async () => {
  stack = await startStack();
  jdoe = await signedIn(stack, 'jdoe');
  oxford = await drifted('Oxford Senior Living', 'Oxford Senior Living', 3, 5);
  await drifted('Frontier Wealth Management, LLC', 'Frontier Wealth Mgmt', 10, 12);
  await runTenantSync(stack.app.runDeps(), await tenant(), { trigger: 'check', requestedBy: 'test' });
});
afterAll(async () => stack?.close());

describe('the unsynced report', () => {
  it('lists every unsynced subscription by company, seat-based apart from arrears', async () => {
    const res = await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }));
    const companies = res.body.rows.filter((r) => r.state === 'out-of-sync').map((r) => r.companyName);
    expect(companies).toEqual(expect.arrayContaining(['Frontier Wealth Management, LLC', 'Oxford Senior Living']));
    const row = res.body.rows.find((r) => r.subscriptionId === oxford.sub.id)!;
    expect(row).toMatchObject({
      cwQuantity: 3,
      distributorQuantity: 5,
      arrears: false,
      monthlyDifference: Math.round(oxford.sub.price * 100) * 2,
    });
    expect(row.outOfSyncSince).not.toBeNull();
    expect(res.body.rows.every((r) => typeof r.arrears === 'boolean')).toBe(true);
  });

  it('the report, the pod and the tab show the same money for the same subscription', async () => {
    const report = (await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }))).body.rows.find(
      (r: { subscriptionId: string }) => r.subscriptionId === oxford.sub.id,
    );
    const pod = (
      await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(oxford.agreement.id) } }))
    ).body.rows.find((r: { subscriptionId: string }) => r.subscriptionId === oxford.sub.id);
    const tab = (
      await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(oxford.cwCompany.id) } }))
    ).body.subscriptions.find((r: { id: string }) => r.id === oxford.sub.id);
    // Pax8 went from 3 to 5 seats: two seats a month more.
    const twoSeats = Math.round(oxford.sub.price * 100) * 2;
    expect([report!.monthlyDifference, pod!.monthlyDifference, tab!.monthlyDifference]).toEqual([
      twoSeats,
      twoSeats,
      twoSeats,
    ]);
  });

  it('ignoring removes a subscription until it is restored, and survives later syncs and a restart', async () => {
    expect(
      (
        await answer(
          jdoe.subscriptions[':id'].ignore.$post({ param: { id: oxford.sub.id }, json: { reason: 'billed by hand' } }),
        )
      ).status,
    ).toBe(200);
    const listed = async (call = jdoe) =>
      (await answer(call.reports[':view'].$get({ param: { view: 'unsynced' } }))).body;
    expect((await listed()).rows.some((r) => r.subscriptionId === oxford.sub.id)).toBe(false);
    expect((await listed()).ignored).toEqual([
      expect.objectContaining({ subscriptionId: oxford.sub.id, ignoredBy: 'Jane Doe (jdoe)' }),
    ]);
    // A later sync leaves it alone, however much it differs.
    await runTenantSync(stack.app.runDeps(), await tenant(), { trigger: 'scheduled', requestedBy: 'schedule' });
    expect(
      world().cw.additions.filter((a) => a.agreementId === oxford.agreement.id && a.serialNumber?.startsWith('p8s:'))
        .length,
    ).toBe(0);
    // A restart: a new server on the same database.
    const { createApp } = await import('../../../server/app.ts');
    const restarted = createApp({
      database: stack.database,
      clock: stack.clock,
      logger: stack.logger,
      secrets: stack.secrets,
      version: 'restart',
      sandbox: true,
      podDir: '/nonexistent',
      hostOrigins: async () => [],
      jobs: stack.jobs.sync,
    });
    const again = await signedIn({ ...stack, app: restarted }, 'nross');
    expect((await listed(again)).ignored.map((i) => i.subscriptionId)).toEqual([oxford.sub.id]);
    expect((await answer(again.subscriptions[':id'].ignore.$delete({ param: { id: oxford.sub.id } }))).status).toBe(
      200,
    );
    expect((await listed()).rows.some((r) => r.subscriptionId === oxford.sub.id)).toBe(true);
  });

  it('links and unlinks: with their agreement and addition, or without', async () => {
    const linked = (await answer(jdoe.reports[':view'].$get({ param: { view: 'linked' } }))).body.rows;
    expect(linked.find((r) => r.subscriptionId === oxford.sub.id)).toMatchObject({
      cwAgreementId: oxford.agreement.id,
      cwAgreementName: oxford.agreement.name,
    });
    const unlinked = (await answer(jdoe.reports[':view'].$get({ param: { view: 'unlinked' } }))).body.rows;
    expect(unlinked.length).toBeGreaterThan(0);
    expect(
      unlinked.every((r: { subscriptionId: string }) => !linked.some((l) => l.subscriptionId === r.subscriptionId)),
    ).toBe(true);
  });

  it('exports CSV that a CSV parser reads back, quotes, commas and line breaks included', async () => {
    const tricky = 'Oxford "Senior", Living\nNorth';
    const { companyMappings } = await import('../../../db/schema.ts');
    await stack.database.db.update(companyMappings).set({ distributorCompanyName: tricky });
    await runTenantSync(stack.app.runDeps(), await tenant(), { trigger: 'check', requestedBy: 'test' });
    const res = await stack.app.request('/api/reports/linked.csv', {
      headers: { Authorization: await bearerOf('jdoe') },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { columns: true, relax_column_count: false }) as Record<string, string>[];
    const json = (await answer(jdoe.reports[':view'].$get({ param: { view: 'linked' } }))).body.rows;
    expect(records.length).toBe(json.length);
    expect(records.some((r) => r.Company === tricky)).toBe(true);
    const row = records.find((r) => r.Subscription === oxford.sub.id)!;
    expect(row['Monthly difference']).toMatch(/^-?\d+\.\d{2}$/);
    expect(row.Checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

async function bearerOf(memberId: string): Promise<string> {
  const { memberAuth } = await import('../../helpers/sandbox.ts');
  const auth = (await memberAuth(stack.sandboxes, memberId)) as { memberHash: string };
  const res = await stack.app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      site: stack.sandboxes.cw.site,
      companyid: 'sandbox',
      memberid: memberId,
      memberHash: auth.memberHash,
    }),
  });
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}
