import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productMappings } from '../../../db/schema.ts';
import { runTenantArrears } from '../../../server/jobs/arrears.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { saveSettings } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { mapUsage, PROOFPOINT_TIERS, usageLines } from '../../helpers/usage.ts';

/**
 * What the API member bills unattended is a setting: a Technician, who may write additions as
 * herself, may not set the markup, usage settings or sync switches the arrears run bills with.
 */
describe('values the arrears run bills with', () => {
  let stack: Stack;
  let jdoe: Caller;
  let amarkov: Caller;
  let pp: Awaited<ReturnType<typeof mapUsage>>;
  beforeAll(async () => {
    stack = await startStack();
    jdoe = await signedIn(stack, 'jdoe');
    amarkov = await signedIn(stack, 'amarkov');
    pp = await mapUsage(stack, jdoe, 'Oxford Senior Living', 'Oxford Senior Living', 'PPT-ESS-USAGE', PROOFPOINT_TIERS);
    expect((await saveSettings(jdoe, { unattendedKinds: ['usage'] })).status).toBe(200);
  });
  afterAll(async () => stack?.close());

  const tenant = async () => (await stack.database.db.query.tenants.findFirst())!;
  const arrears = async () =>
    runTenantArrears(stack.app.runDeps(), await tenant(), { trigger: 'command', requestedBy: 'test' });
  const lines = () => usageLines(stack, pp.agreement.id);

  it("refuses a Technician's markup, usage settings and sync switch, naming the right, and stores nothing", async () => {
    const tries = [
      await answer(
        amarkov['product-mappings'][':id'].markup.$put({ param: { id: pp.topId }, json: { markupBp: 100_000 } }),
      ),
      await answer(
        amarkov.subscriptions[':id']['usage-settings'].$put({
          param: { id: pp.sub.id },
          json: { markupBp: -10_000, thresholdCents: 1 },
        }),
      ),
      await answer(
        amarkov['product-mappings'][':id']['usage-sync'].$put({ param: { id: pp.topId }, json: { on: false } }),
      ),
    ];
    for (const res of tries) {
      expect(res.status).toBe(403);
      expect(res.body.details).toMatchObject({ reason: 'role', action: 'changeSettings', role: 'Technician' });
    }
    const [binding] = await stack.database.db.select().from(productMappings).where(eq(productMappings.id, pp.topId));
    expect([binding!.markupBp, binding!.usageSync]).toEqual([null, true]);
    expect(
      (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: pp.sub.id }, query: {} }))).body
        .settings,
    ).toMatchObject({
      markupBp: null,
      thresholdCents: null,
    });
  });

  it("the run bills Pax8's list prices: 44 × $3.25 and 15 × $3.00", async () => {
    expect(await arrears()).toMatchObject({ outcome: 'succeeded', writes: 2, needsReview: 0 });
    expect(
      lines()
        .map((a) => [a.quantity, a.unitPrice])
        .sort(),
    ).toEqual([
      [15, 3],
      [44, 3.25],
    ]);
  });

  it('a markup saved before the right was checked is held for a person, not billed; saved again by an admin, it bills and is in the history', async () => {
    // As the earlier release let a Technician save it.
    await stack.database.db.update(productMappings).set({ markupBp: 100_000 }).where(eq(productMappings.id, pp.topId));
    const before = lines().map((a) => ({ ...a }));
    expect(await arrears()).toMatchObject({ writes: 0, needsReview: 1 });
    expect(lines()).toEqual(before);
    const review = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: pp.sub.id }, query: {} }));
    expect(review.body.unapproved).toMatch(/^the markup of .* was saved without the settings right/);

    expect(
      (
        await answer(
          jdoe['product-mappings'][':id'].markup.$put({ param: { id: pp.topId }, json: { markupBp: 2_000 } }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: pp.sub.id }, query: {} }))).body
        .unapproved,
    ).toBeNull();
    const history = (await answer(jdoe.settings.history.$get())).body as {
      subject: string;
      changedBy: string;
      before: unknown;
      after: unknown;
      label: string;
    }[];
    expect(history[0]).toMatchObject({
      subject: `markup:${pp.topId}`,
      changedBy: expect.stringMatching(/^Jane Doe/),
      before: { markupBp: 100_000 },
      after: { markupBp: 2_000 },
      label: expect.stringMatching(/^Markup of /),
    });
    expect(await arrears()).toMatchObject({ writes: 2, needsReview: 0 });
    // 20% over cost: $2.44 → $2.93 and $1.79 → $2.15.
    expect(
      lines()
        .map((a) => [a.quantity, a.unitPrice])
        .sort(),
    ).toEqual([
      [15, 2.93],
      [44, 2.15],
    ]);
  });

  it('a Technician bills her own review as herself; an option she chooses is kept unapproved, named in the review, and the history says who', async () => {
    const review = (
      await answer(
        amarkov.subscriptions[':id']['usage-plan'].$get({
          param: { id: pp.sub.id },
          query: { option: 'usage-summary' },
        }),
      )
    ).body;
    const confirmed = await answer(
      amarkov['usage-plans'].confirm.$post({
        json: {
          subscriptionId: pp.sub.id,
          option: 'usage-summary',
          basis: review.plan.basis,
        },
      }),
    );
    expect(confirmed.status).toBe(200);
    const ends = stack.sandboxes.cw.control.log.filter((e) => e.method === 'PATCH' && e.actor === 'amarkov');
    expect(ends.length).toBeGreaterThan(0);
    const after = (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: pp.sub.id }, query: {} })))
      .body;
    expect(after.plan.option).toBe('usage-summary');
    expect(after.unapproved).toMatch(
      /^the usage settings of .* were saved by Alex Markov .* without the settings right/,
    );
    expect(await arrears()).toMatchObject({ writes: 0, needsReview: 0 });
    const history = (await answer(jdoe.settings.history.$get())).body as {
      subject: string;
      changedBy: string;
      after: unknown;
    }[];
    expect(history[0]).toMatchObject({
      subject: `usage:${pp.sub.id}`,
      changedBy: expect.stringMatching(/^Alex Markov/),
      after: { option: 'usage-summary', approved: false },
    });
  });
});
