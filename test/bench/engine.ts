import { randomBytes } from 'node:crypto';
import { createCwClient } from '../../server/connectwise/client.ts';
import { toAdditionView, toAgreementView } from '../../server/connectwise/views.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { mapLimit } from '../../server/http/limit.ts';
import { bootstrapSandboxTenant } from '../../server/sandbox/bootstrap.ts';
import { generateWorld } from '../../server/sandbox/seed.ts';
import { startSandboxes } from '../../server/sandbox/start.ts';
import { executeOperations } from '../../server/sync/writer.ts';
import type { Operation } from '../../shared/billing/operations.ts';
import { type PlanInput, planSubscription } from '../../shared/billing/planner.ts';
import { parseMicros } from '../../shared/money.ts';
import type { Subscription } from '../../shared/schemas/distributor.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { Figure } from './report.ts';
import { median } from './sandbox-handle.ts';

const RULES = {
  positiveChange: 'actual-date',
  negativeChange: 'first-of-next-month',
  cancellation: 'last-day-of-month',
  proration: 'separate-one-time',
  prorateMinimumCents: 0,
  arrearsDay: 4,
  reconcileToleranceCents: 0,
  reconcileToleranceBp: 0,
  commitmentHorizonHours: 72,
  renewalNoticeDays: 30,
} as const;

function subscriptionOf(id: string, quantity: number): Subscription {
  return {
    id,
    companyId: 'c',
    productId: 'p',
    productName: 'E3',
    parentId: null,
    quantity,
    status: 'Active',
    billingTerm: 'Monthly',
    startDate: '2026-06-01T00:00:00.000Z',
    endDate: null,
    createdAt: null,
    updatedAt: null,
    unitPrice: parseMicros(25),
    unitCost: parseMicros(20),
    currency: 'USD',
    billing: 'seat',
    cancellableUntil: null,
    commitment: null,
  };
}

/** Planning 5,000 subscriptions of the benchmark tenant, each with its history and agreement additions. */
function benchPlanning(): Figure[] {
  const world = generateWorld({ today: '2026-11-22', companies: 500, subscriptions: 5000 });
  const agreement = toAgreementView({ ...world.cw.agreements[0]!, prorateFlag: false } as never);
  const inputs: PlanInput[] = world.pax8.subscriptions.map((s, i) => ({
    subscription: { ...subscriptionOf(s.id, s.quantity) },
    history: world.pax8.history[s.id]!.map((h) => ({
      at: h.updatedDate,
      quantity: h.quantity,
      status: 'Active',
      endDate: null,
      unitPrice: null,
      unitCost: null,
    })),
    product: { catalogItemId: 1201, label: 'Pax8 - E3' },
    agreement,
    additions: [
      toAdditionView({
        ...world.cw.additions[i % world.cw.additions.length]!,
        product: { id: 1201, identifier: 'x', name: 'x' },
        agreementId: agreement.id,
        quantity: world.pax8.history[s.id]![0]!.quantity,
      } as never),
    ],
    rules: RULES,
    today: '2026-11-22',
    distributor: { name: 'Pax8', markerPrefix: 'p8s', linesPriced: true },
  }));
  const runs: number[] = [];
  let ops = 0;
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    ops = 0;
    for (const input of inputs) {
      const plan = planSubscription(input);
      if (plan.status === 'ok') ops += plan.operations.length;
    }
    if (run > 0) runs.push(performance.now() - started);
  }
  const ms = median(runs);
  return [
    { name: 'planning 5,000 subscriptions', value: ms, unit: 'ms', target: '≤ 300', pass: ms <= 300 },
    { name: 'operations planned', value: ops, unit: 'ops' },
  ];
}

/** A 200-operation plan over 40 agreements written against the sandbox with 50 ms on every call. */
async function benchExecution(): Promise<Figure[]> {
  const world = generateWorld({ today: '2026-11-22', companies: 60, subscriptions: 60 });
  const sandboxes = await startSandboxes({ today: world.today, world, latencyMs: 50, cwRateLimitPerMinute: null });
  const database = await createTestDatabase();
  try {
    const secrets = createSecretBox(randomBytes(32));
    const { setup } = await bootstrapSandboxTenant(
      { now: () => new Date(), db: database.db, secrets },
      sandboxes,
      'http://localhost',
    );
    const api = world.cw.apiMembers[0]!;
    let calls = 0;
    const cw = createCwClient({
      site: sandboxes.cw.site,
      protocol: 'http',
      companyId: world.cw.companyId,
      clientId: world.cw.clientId,
      auth: { kind: 'apiMember', publicKey: api.publicKey, privateKey: api.privateKey },
      onRequest: () => calls++,
    });
    await cw.companyInfo();
    const item = world.cw.catalog.find((i) => i.productClass !== 'Bundle')!;
    const agreements = world.cw.agreements
      .filter((a) => !a.cancelledFlag && a.agreementStatus === 'Active' && a.nextInvoiceDate === '2026-12-01T00:00:00Z')
      .slice(0, 40);
    for (const a of agreements) a.prorateFlag = false;
    // Each agreement bills 5 seats today: one update and four prorates each, 200 operations.
    const template = world.cw.additions[0]!;
    world.cw.additions.splice(
      0,
      world.cw.additions.length,
      ...world.cw.additions.filter(
        (x) => !(agreements.some((a) => a.id === x.agreementId) && x.product.id === item.id),
      ),
    );
    agreements.forEach((a, i) => {
      world.cw.additions.push({
        ...template,
        id: 300_000 + i,
        agreementId: a.id,
        product: { id: item.id, identifier: item.identifier, name: item.description },
        quantity: 5,
        unitPrice: 25,
        unitCost: 20,
        effectiveDate: a.billStartDate,
        cancelledDate: null,
        serialNumber: null,
      });
    });
    calls = 0;
    const started = performance.now();
    let planned = 0;
    const outcomes = await mapLimit(agreements, 6, async (a, i) => {
      // One re-read of the agreement's additions, then one write per operation.
      const additions = (await cw.additions.list(a.id)).map(toAdditionView);
      const sub = subscriptionOf(`bench-${i}`, 9);
      const plan = planSubscription({
        subscription: sub,
        history: [
          ['2026-08-01', 5],
          ['2026-11-03', 6],
          ['2026-11-07', 7],
          ['2026-11-12', 8],
          ['2026-11-18', 9],
        ].map(([at, q]) => ({
          at: `${at}T12:00:00.000Z`,
          quantity: q as number,
          status: 'Active',
          endDate: null,
          unitPrice: null,
          unitCost: null,
        })),
        product: { catalogItemId: item.id, label: item.description },
        agreement: toAgreementView(a as never),
        additions,
        rules: RULES,
        today: '2026-11-22',
        distributor: { name: 'Pax8', markerPrefix: 'p8s' },
      });
      if (plan.status !== 'ok') throw new Error(plan.reason);
      planned += plan.operations.length;
      return executeOperations(
        {
          db: database.db,
          tenant: setup.tenant,
          distributor: 'pax8',
          actor: { type: 'scheduled', memberId: null, name: 'benchmark' },
          cw,
          now: () => new Date(),
        },
        { subscriptionId: sub.id, cwAgreementId: a.id, basis: plan.basis, confirmedBy: 'benchmark' },
        plan.operations as Operation[],
      );
    });
    const ms = performance.now() - started;
    const written = outcomes.flat().filter((o) => o.state === 'confirmed').length;
    const minimum = planned + agreements.length;
    return [
      { name: `plan executed: operations over ${agreements.length} agreements`, value: planned, unit: 'ops' },
      { name: 'operations written', value: written, unit: 'ops', target: `= ${planned}`, pass: written === planned },
      {
        name: 'ConnectWise calls (re-reads + writes)',
        value: calls,
        unit: 'calls',
        target: `≤ ${Math.floor(minimum * 1.1)} (min ${minimum})`,
        pass: calls <= minimum * 1.1,
      },
      { name: 'execution wall time (6 agreements at a time)', value: ms, unit: 'ms' },
    ];
  } finally {
    await sandboxes.close();
    await database.close();
  }
}

export async function benchEngine(): Promise<Figure[]> {
  return [...benchPlanning(), ...(await benchExecution())];
}
