import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syncOperations } from '../../../db/schema.ts';
import { sleep } from '../../../server/http/retry.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * A write still in flight is never sent again. These replay the fault campaign's holes with
 * ConnectWise's client at its real limits (30 s a request, retries after a 429), and count what
 * the sandbox ConnectWise holds per marker, not what the product believes.
 */
let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const withMarker = (marker: string) => world().cw.additions.filter((a) => a.serialNumber === marker);
const posts = async () =>
  ((await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as { method: string; path: string }[]).filter(
    (r) => r.method === 'POST' && r.path.endsWith('/additions'),
  ).length;

/**
 * A write whose answer takes longer than its claim's lease: 6 s against a 5 s lease (60 s in
 * production), so the suite waits seconds rather than a minute. The client waits 7 s for it.
 */
const LEASE_MS = 5_000;
beforeAll(async () => {
  stack = await startStack({
    sandbox: { companies: 12, subscriptions: 60 },
    cw: { timeoutMs: 7_000 },
    writeLeaseMs: LEASE_MS,
  });
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());
beforeEach(async () => setFaults(stack.hostUrl, { rules: [] }));

describe('a write in flight', () => {
  it('an answer slower than the lease keeps a create in flight; a second confirmation then sends nothing', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), null, [['2026-08-01', 3]]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const [create] = okPlan(review.body.plan).operations;
    expect(create!.type).toBe('create-recurring');
    // The answer takes 6 s: the writer renews its 5 s claim while it waits.
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', latencyMs: 6_000 }] });
    const before = await posts();
    const first = answer(
      jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    await sleep(LEASE_MS + 500);
    expect(withMarker(create!.marker)).toHaveLength(0);
    const second = await answer(
      jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(second.status).toBe(200);
    expect(second.body.outcomes.map((o) => o.state)).toEqual(['in-progress']);
    const done = await first;
    expect(done.body.outcomes.map((o) => o.state)).toEqual(['confirmed']);
    expect(withMarker(create!.marker)).toHaveLength(1);
    // The one slow attempt: nothing was sent for the second confirmation.
    expect((await posts()) - before).toBe(1);
  }, 120_000);
});

/**
 * Confirms a plan whose create is applied but never answered, and whose re-reads then fail:
 * ConnectWise errors on reads only from the moment the write has landed.
 */
async function confirmWithUncheckableOutcome(
  s: Stack,
  call: Caller,
  subscriptionId: string,
  basis: string,
  marker: string,
) {
  await setFaults(s.hostUrl, { rules: [{ method: 'POST', path: '/additions$', timeoutAfterCommit: 1 }] });
  const pending = answer(call.plans.confirm.$post({ json: { subscriptionId, basis } }));
  while (!s.sandboxes.world.cw.additions.some((a) => a.serialNumber === marker)) await sleep(20);
  await setFaults(s.hostUrl, { rules: [{ method: 'GET', path: '/additions$', status500: 1_000 }] });
  return pending;
}

describe('an outcome that could not be checked', () => {
  let fast: Stack;
  let call: Caller;
  beforeAll(async () => {
    fast = await startStack({
      sandbox: { companies: 12, subscriptions: 60 },
      cw: { timeoutMs: 1500, retry: FAST_RETRY },
    });
    call = await signedIn(fast, 'jdoe');
  });
  afterAll(async () => fast?.close());

  it('a timeout after commit whose re-reads fail stays "unknown": Retry sends nothing until a re-read succeeds, then adopts', async () => {
    const m = setBilling(fast, await mapSubscription(fast, call, 'Granite Auto Group, P.C.'), null, [
      ['2026-08-01', 2],
    ]);
    const review = await answer(call.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const [create] = okPlan(review.body.plan).operations;
    const confirmed = await confirmWithUncheckableOutcome(fast, call, m.sub.id, review.body.plan.basis, create!.marker);
    expect(confirmed.body.outcomes[0]).toMatchObject({ state: 'unknown' });
    expect(confirmed.body.outcomes[0]!.error).toMatch(/could not be retried|cannot be retried until then/);
    const inConnectWise = () => fast.sandboxes.world.cw.additions.filter((a) => a.serialNumber === create!.marker);
    expect(inConnectWise()).toHaveLength(1);

    // The Log says it is being checked, and does not offer Retry.
    const log = await answer(call.adjustments.$get({ query: {} }));
    const entry = log.body.find((l) => l.operationKey === create!.key)!;
    expect(entry).toMatchObject({ outcome: 'unknown', opState: 'unknown', retryable: false });

    // Pressed anyway: refused while ConnectWise cannot be checked, and nothing is sent.
    const refused = await answer(call.operations[':key'].retry.$post({ param: { key: String(create!.key) } }));
    expect(refused.status).toBe(409);
    expect(refused.body.details.reason).toBe('unchecked');
    expect(inConnectWise()).toHaveLength(1);

    // Once ConnectWise answers again, the retry finds its own write and adopts it.
    await setFaults(fast.hostUrl, { rules: [] });
    const retried = await answer(call.operations[':key'].retry.$post({ param: { key: String(create!.key) } }));
    expect(retried.body).toMatchObject({ state: 'adopted' });
    expect(inConnectWise()).toHaveLength(1);
    const [row] = await fast.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, create!.key));
    expect(row!.state).toBe('adopted');
  });

  it('a run re-reads an unknown write before anything else, and adopts it', async () => {
    const m = setBilling(
      fast,
      await mapSubscription(fast, call, 'Frontier Wealth Management, LLC', undefined, 'Frontier Wealth Mgmt'),
      null,
      [['2026-08-01', 2]],
    );
    const review = await answer(call.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const [create] = okPlan(review.body.plan).operations;
    const confirmed = await confirmWithUncheckableOutcome(fast, call, m.sub.id, review.body.plan.basis, create!.marker);
    expect(confirmed.body.outcomes[0]).toMatchObject({ state: 'unknown' });
    await setFaults(fast.hostUrl, { rules: [] });
    const { runTenantSync } = await import('../../../server/jobs/run.ts');
    const tenant = (await fast.database.db.query.tenants.findFirst())!;
    await runTenantSync(fast.app.runDeps(), tenant, { trigger: 'check', requestedBy: 'test' });
    const [row] = await fast.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, create!.key));
    expect(row!.state).toBe('adopted');
    expect(fast.sandboxes.world.cw.additions.filter((a) => a.serialNumber === create!.marker)).toHaveLength(1);
  });

  it('an update with no answer is adopted only after a re-read shows it applied; one refused with a 500 is not', async () => {
    const m = setBilling(fast, await mapSubscription(fast, call, 'Ace Chemical Processing Plant'), 3, [
      ['2026-08-01', 4],
    ]);
    const line = () =>
      fast.sandboxes.world.cw.additions.find((a) => a.agreementId === m.agreement.id && a.product.id === m.item.id)!;
    const review = await answer(call.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const [update] = okPlan(review.body.plan).operations;
    expect(update!.type).toBe('update-recurring');
    await setFaults(fast.hostUrl, { rules: [{ method: 'PATCH', path: '/additions/', status500: 1 }] });
    const refused = await answer(
      call.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(refused.body.outcomes[0]).toMatchObject({ state: 'failed' });
    expect(line().quantity).toBe(3);

    await setFaults(fast.hostUrl, { rules: [{ method: 'PATCH', path: '/additions/', timeoutAfterCommit: 1 }] });
    const again = await answer(call.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const applied = await answer(
      call.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: again.body.plan.basis } }),
    );
    expect(applied.body.outcomes[0]).toMatchObject({ state: 'adopted' });
    expect(line().quantity).toBe(4);
  });

  it('a quantity edited by hand between review and confirm makes the review stale: nothing is written', async () => {
    const m = setBilling(fast, await mapSubscription(fast, call, 'Arcadia Tech'), 3, [['2026-08-01', 5]]);
    const review = await answer(call.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const line = fast.sandboxes.world.cw.additions.find(
      (a) => a.agreementId === m.agreement.id && a.product.id === m.item.id,
    )!;
    line.quantity = 4;
    const confirmed = await answer(
      call.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.details.reason).toBe('stale_plan');
    expect(line.quantity).toBe(4);
  });
});
