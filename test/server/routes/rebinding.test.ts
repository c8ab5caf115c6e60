import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceMappings, subscriptionStatus } from '../../../db/schema.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { allowEverythingUnattended, mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** Rebinding a distributor company to another ConnectWise company never bills the old customer. */
let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;

beforeAll(async () => {
  stack = await startStack({ sandbox: { companies: 30, subscriptions: 150 }, cw: { retry: FAST_RETRY } });
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());

describe('rebinding', () => {
  it('unbound and bound to another ConnectWise company: its subscriptions go back to choosing an agreement', async () => {
    const m = await mapSubscription(stack, jdoe, 'Oxford Senior Living');
    const other = world().cw.companies.find((c) => c.name === 'Arcadia Tech')!;
    const tab = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cwCompany.id) } }),
    );
    await answer(jdoe['company-mappings'][':id'].$delete({ param: { id: String(tab.body.binding!.mappingId) } }));
    // Arcadia Tech is not bound to anything else; bind Oxford's Pax8 company to it.
    const rebound = await answer(
      jdoe['company-mappings'].$post({
        json: {
          distributorCompanyId: m.pax8Company.id,
          cwCompanyId: other.id,
        },
      }),
    );
    expect(rebound.status).toBe(201);
    const after = await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(other.id) } }));
    const row = after.body.subscriptions.find((s) => s.id === m.sub.id)!;
    expect(row.agreementId).toBeNull();
    expect(row.state).toBe('unmapped');
    const left = await stack.database.db
      .select()
      .from(serviceMappings)
      .where(eq(serviceMappings.subscriptionId, m.sub.id));
    expect(left).toEqual([]);
  });

  it('bound back to the same company, its mappings resume', async () => {
    const m = await mapSubscription(stack, jdoe, 'Granite Auto Group, P.C.');
    const tab = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cwCompany.id) } }),
    );
    await answer(jdoe['company-mappings'][':id'].$delete({ param: { id: String(tab.body.binding!.mappingId) } }));
    await answer(
      jdoe['company-mappings'].$post({ json: { distributorCompanyId: m.pax8Company.id, cwCompanyId: m.cwCompany.id } }),
    );
    const [mapping] = await stack.database.db
      .select()
      .from(serviceMappings)
      .where(eq(serviceMappings.subscriptionId, m.sub.id));
    expect(mapping).toMatchObject({ status: 'mapped', cwAgreementId: m.agreement.id });
  });

  it("a mapping that points at another company's agreement is refused by the writer and the run", async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Silverline Foods Co.'), 1, [['2026-08-01', 3]]);
    const foreign = world().cw.agreements.find((a) => a.company.id !== m.cwCompany.id && !a.cancelledFlag)!;
    await stack.database.db
      .update(serviceMappings)
      .set({ cwAgreementId: foreign.id })
      .where(eq(serviceMappings.subscriptionId, m.sub.id));
    const plan = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    expect(plan.status).toBe(409);
    expect(plan.body.details.reason).toBe('wrong_company');
    await allowEverythingUnattended(jdoe);
    const tenant = (await stack.database.db.query.tenants.findFirst())!;
    await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'scheduled', requestedBy: 'schedule' });
    const [status] = await stack.database.db
      .select()
      .from(subscriptionStatus)
      .where(eq(subscriptionStatus.subscriptionId, m.sub.id));
    expect(status).toMatchObject({ state: 'needs-review' });
    expect(status!.reason).toMatch(/belongs to another ConnectWise company/);
    expect(
      world().cw.additions.filter((a) => a.agreementId === foreign.id && a.serialNumber?.startsWith('p8s:')),
    ).toEqual([]);
  });
});
