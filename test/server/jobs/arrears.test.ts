import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTenant } from '../../../db/queries/tenants.ts';
import { adjustmentLog } from '../../../db/schema.ts';
import { type Clock, pinnedDayClock } from '../../../server/clock.ts';
import { runTenantArrears } from '../../../server/jobs/arrears.ts';
import { ARREARS_QUEUE } from '../../../server/jobs/engine.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { saveSettings } from '../../helpers/mapped.ts';
import { FAST_RETRY, SANDBOX_TODAY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { mapGuideUsage, type mapUsage, usageLines } from '../../helpers/usage.ts';

/** The arrears job: last month's usage billed on a schedule, once final, exactly once. */
describe('the arrears job', () => {
  let stack: Stack;
  let jdoe: Caller;
  let day = SANDBOX_TODAY;
  const clock: Clock = { now: () => pinnedDayClock(day).now() };
  let proofpoint: Awaited<ReturnType<typeof mapUsage>>;
  let azure: Awaited<ReturnType<typeof mapUsage>>;
  const run = async () => {
    const tenant = (await getTenant(stack.database.db, stack.tenantId))!;
    return runTenantArrears({ ...stack.jobs.runDeps, clock }, tenant, {
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });
  };
  const written = () => [...usageLines(stack, proofpoint.agreement.id), ...usageLines(stack, azure.agreement.id)];

  beforeAll(async () => {
    // A short ConnectWise timeout, so a write whose answer is lost is noticed quickly.
    stack = await startStack({ clock, cw: { timeoutMs: 1500, retry: FAST_RETRY } });
    jdoe = await signedIn(stack, 'jdoe');
    ({ proofpoint, azure } = await mapGuideUsage(stack, jdoe));
    expect((await saveSettings(jdoe, { autoSync: true, unattendedKinds: ['usage'] })).status).toBe(200);
  });
  afterAll(async () => stack?.close());

  it('is scheduled daily with the sync, and stops with it', async () => {
    const schedules = await stack.jobs.boss.getSchedules();
    expect(
      schedules
        .filter((s) => s.key === stack.tenantId)
        .map((s) => s.name)
        .sort(),
    ).toContain(ARREARS_QUEUE);
  });

  it('writes nothing before the period is final, and says from when it is', async () => {
    day = '2026-11-03';
    try {
      const result = await run();
      expect(result).toMatchObject({ outcome: 'succeeded', writes: 0 });
      const runs = (await answer(jdoe.sync.runs.$get())).body;
      expect(JSON.stringify(runs)).toContain("October 2026's usage is final from 11/04/2026; nothing was written.");
      expect(written()).toEqual([]);
    } finally {
      day = SANDBOX_TODAY;
    }
  });

  it('holds a month past its threshold for a person, bills the rest, and a second run writes nothing', async () => {
    expect(
      (
        await answer(
          jdoe.subscriptions[':id']['usage-settings'].$put({
            param: { id: azure.sub.id },
            json: { thresholdCents: 100 },
          }),
        )
      ).status,
    ).toBe(200);
    // ConnectWise takes the first line and its answer is lost: the writer re-reads and adopts it.
    await setFaults(stack.hostUrl, {
      rules: [{ method: 'POST', path: `/agreements/${proofpoint.agreement.id}/additions$`, timeoutAfterCommit: 1 }],
    });
    const first = await run().finally(() => setFaults(stack.hostUrl, { rules: [] }));
    expect(first).toMatchObject({ outcome: 'succeeded', writes: 2, needsReview: 1 });
    // The lost answer is in the Log as such, and the line it was about was adopted, not written again.
    const log = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.syncRunId, first.runId));
    expect(log.map((l) => l.outcome).sort()).toEqual(['success', 'success', 'unknown']);
    expect(
      usageLines(stack, proofpoint.agreement.id)
        .map((a) => a.quantity)
        .sort(),
    ).toEqual([15, 44]);
    expect(usageLines(stack, azure.agreement.id)).toEqual([]);

    expect(
      (
        await answer(
          jdoe.subscriptions[':id']['usage-settings'].$put({
            param: { id: azure.sub.id },
            json: { thresholdCents: null },
          }),
        )
      ).status,
    ).toBe(200);
    const second = await run();
    expect(second).toMatchObject({ writes: 1, needsReview: 0 });
    expect(usageLines(stack, azure.agreement.id)).toHaveLength(1);

    const count = written().length;
    const third = await run();
    expect(third).toMatchObject({ writes: 0, failures: 0 });
    expect(written()).toHaveLength(count);
  });

  it('waits for a person when usage lines are not allowed unattended, and names the setting', async () => {
    expect((await saveSettings(jdoe, { autoSync: true, unattendedKinds: [] })).status).toBe(200);
    const summary = stack.sandboxes.world.pax8.usageSummaries.find((u) => u.subscriptionId === proofpoint.sub.id)!;
    const line = stack.sandboxes.world.pax8.usageLines.find(
      (l) => l.usageSummaryId === summary.id && l.usageDate === '2026-10-31' && l.productName.endsWith('Advanced'),
    )!;
    Object.assign(line, { quantity: 18, partnerTotal: 43.92, currentCharges: 54 });
    const result = await run();
    expect(result).toMatchObject({ writes: 0, needsReview: 1 });
    const runs = (await answer(jdoe.sync.runs.$get())).body;
    expect(JSON.stringify(runs)).toContain('Usage (arrears)');
    expect(
      usageLines(stack, proofpoint.agreement.id)
        .map((a) => a.quantity)
        .sort(),
    ).toEqual([15, 44]);
  });

  it('runs as a job on the engine, and a run from the command line is attributed to it', async () => {
    const id = await stack.jobs.sync.enqueueArrears(stack.tenantId, 'command line');
    expect(id).toBeTruthy();
    const job = await jobReaches(stack.jobs.boss, id!, undefined, 60_000, ARREARS_QUEUE);
    expect(job.state).toBe('completed');
    const runs = (await answer(jdoe.sync.runs.$get())).body;
    expect(JSON.stringify(runs)).toContain('"trigger":"command"');
  });

  it('a Pax8 outage fails the run for the engine to retry, and the review says who failed, never a 500', async () => {
    await setFaults(stack.sandboxes.pax8.url, { rules: [{ path: 'usage-lines', status500: 1000 }] });
    try {
      const count = written().length;
      const result = await run();
      expect(result).toMatchObject({ outcome: 'failed', transient: true, writes: 0 });
      expect(written()).toHaveLength(count);
      const review = await answer(
        jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }),
      );
      expect(review.status).toBeGreaterThanOrEqual(502);
      expect(review.body.message).toMatch(/Pax8/);
    } finally {
      await setFaults(stack.sandboxes.pax8.url, { rules: [] });
    }
  });
});
