import { Hono } from 'hono';
import { z } from 'zod/mini';
import { listCompanyMappings, listProductMappings } from '../../db/queries/mappings.ts';
import {
  ignoreSubscription,
  lastCheckedAt,
  listIgnored,
  type ReportView,
  reportStatuses,
  restoreSubscription,
  type StatusRecord,
  statusesOf,
} from '../../db/queries/reports.ts';
import { recentRuns, runKinds } from '../../db/queries/runs.ts';
import { dropOverBillingExcept, saveStatuses, statusesFor } from '../../db/queries/status.ts';
import type { CommitmentPosition } from '../../shared/billing/commitments.ts';
import { operationMoney } from '../../shared/billing/operation-money.ts';
import { type AssessedState, stateLabel } from '../../shared/billing/states.ts';
import { centsToDecimal } from '../../shared/money.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { toAgreementView } from '../connectwise/views.ts';
import { AppError } from '../errors.ts';
import { assessCompany, statusRow, usageMonthOf } from '../sync/assess.ts';
import { readSubscription } from '../sync/load.ts';
import { boundProducts, overBillingIn, overBillingKey, overBillingRow } from '../sync/over-billing.ts';
import { cwIdText, uuidParam, zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';
import { toCsv } from './csv.ts';

const subParam = z.object({ id: z.string().check(z.minLength(1)) });

/** What the pod shows of a commitment: only one whose seats ConnectWise does not all bill. */
function podCommitment(p: CommitmentPosition | null | undefined) {
  if (!p || p.unbilledSeats === 0) return null;
  const { state, closingSoon, windowClosesAt, endsOn, unbilledSeats, atStakeCents, periodsLeft } = p;
  return { state, closingSoon, windowClosesAt, endsOn, unbilledSeats, atStakeCents, periodsLeft };
}
const commitmentOrder = (c: ReturnType<typeof podCommitment>) =>
  c === null ? 2 : c.closingSoon ? 0 : c.state === 'reducible' ? 1 : 2;

type PodOrdered = Parameters<typeof byMoneyAtRisk>[0] & { commitment: ReturnType<typeof podCommitment> };

/**
 * The pod's order: a commitment whose window is still open first (acting is possible only until
 * it closes, the soonest first), then by state and money at risk.
 */
export const podRowOrder = (x: PodOrdered, y: PodOrdered) =>
  commitmentOrder(x.commitment) - commitmentOrder(y.commitment) || byMoneyAtRisk(x, y);

/** The agreement pod's list: subscriptions billed on this agreement, or of its company and unmapped, that differ. */
async function agreementUnsynced(ctx: RequestContext, agreementId: number) {
  const agreement = await ctx.cw.agreements.get(agreementId);
  const company = (await listCompanyMappings(ctx.db, ctx.scope)).find(
    (m) => m.status === 'mapped' && m.cwCompanyId === agreement.company.id,
  );
  if (!company) return { bound: false, rows: [], usage: [], inSync: 0 };
  const [assessed, products, additions] = await Promise.all([
    assessCompany(ctx, company.distributorCompanyId, agreement.company.id),
    listProductMappings(ctx.db, ctx.scope).then(boundProducts),
    ctx.cwAdditions(agreementId),
  ]);
  const here = assessed.filter(
    (a) => (a.mapping?.cwAgreementId === agreementId && a.mapping.status === 'mapped') || !a.mapping,
  );
  const now = ctx.now();
  const view = toAgreementView(agreement);
  const overBilled = overBillingIn(
    products,
    assessed,
    [{ agreement: view, additions }],
    ctx.today,
    ctx.distributor.displayName,
  );
  const company$ = {
    distributorCompanyId: company.distributorCompanyId,
    companyName: company.distributorCompanyName,
    cwCompanyId: agreement.company.id,
  };
  await saveStatuses(ctx.db, ctx.scope, [
    ...here.map((a) => statusRow(a, now)),
    ...overBilled.map((o) => overBillingRow(o, company$, agreement.name, now)),
  ]);
  await dropOverBillingExcept(ctx.db, ctx.scope, agreementId, overBilled.map(overBillingKey));
  const since = new Map((await statusesFor(ctx.db, ctx.scope)).map((s) => [s.subscriptionId, s.outOfSyncSince]));
  // Money a line on this agreement may bill already is not money at stake until a person says.
  const itemOf = (productId: string) =>
    products.find((p) => p.distributorProductIds.includes(productId))?.catalogItemId ?? null;
  const possiblyBilled = (a: (typeof here)[number]): string | null => {
    if (a.mapping?.status === 'mapped' && a.nextStep !== 'bind-product') return null;
    const item = itemOf(a.subscription.productId);
    if (item === null) return 'Possibly billed already under a catalog item not bound yet: bind the product to tell.';
    const line = additions.find((x) => x.catalogItemId === item && !x.cancelledDate);
    return line
      ? `Possibly billed already by addition #${line.id} (${line.quantity} on this agreement): map it to tell.`
      : null;
  };
  const rows = [
    ...here
      .filter((a) => a.state !== 'in-sync' && !a.ignored)
      .map((a) => ({
        subscriptionId: a.subscription.id,
        productName: a.subscription.productName,
        state: a.state as AssessedState,
        mapped: a.mapping !== null,
        cwQuantity: a.cwQuantity,
        distributorQuantity: a.subscription.quantity,
        monthlyDifference: a.monthlyDifference,
        reason: a.reason,
        overBilling:
          a.cwQuantity !== null && a.subscription.quantity !== null && a.cwQuantity > a.subscription.quantity,
        outOfSyncSince: since.get(a.subscription.id)?.toISOString() ?? null,
        operations: a.plan?.status === 'ok' ? a.plan.operations.length : 0,
        // What Sync… would write, each with its money: the pod's confirmation names them.
        changes:
          a.plan?.status === 'ok' ? a.plan.operations.map((o) => ({ title: o.title, money: operationMoney(o) })) : [],
        possiblyBilled: possiblyBilled(a),
        usage: a.usage,
        commitment: podCommitment(a.commitment),
      })),
    ...overBilled.map((o) => ({
      subscriptionId: overBillingKey(o),
      productName: o.productName,
      state: 'over-billing' as AssessedState,
      mapped: false,
      cwQuantity: o.cwQuantity,
      distributorQuantity: o.distributorQuantity,
      monthlyDifference: o.monthlyDifference,
      reason: o.reason,
      overBilling: true,
      outOfSyncSince: null,
      operations: 0,
      changes: [] as { title: string; money: { cents: number; per: 'month' | 'once' } }[],
      possiblyBilled: null as string | null,
      usage: false,
      commitment: null,
    })),
  ].sort(podRowOrder);
  // Usage subscriptions billed here, in sync or not, with last month's figures.
  const usage = here
    .filter((a) => a.usage && a.mapping?.status === 'mapped')
    .map((a) => ({
      subscriptionId: a.subscription.id,
      productName: a.subscription.productName,
      state: a.state,
      month: usageMonthOf(a),
    }));
  return { bound: true, rows, usage, inSync: here.filter((a) => a.state === 'in-sync').length };
}

/** One row of a report, as the pod and the CSV read it. */
const reportRow = (s: StatusRecord) => ({
  subscriptionId: s.subscriptionId,
  companyName: s.companyName,
  cwCompanyId: s.cwCompanyId,
  productId: s.productId,
  productName: s.productName,
  billingTerm: s.billingTerm,
  arrears: s.usage,
  state: s.state,
  /** What a person does next: map it, bind its product, or create an agreement in Manage. */
  fix: s.nextStep,
  cwAgreementId: s.cwAgreementId,
  cwAgreementName: s.cwAgreementName,
  cwAdditionId: s.cwAdditionId,
  cwQuantity: s.cwQuantity,
  distributorQuantity: s.distributorQuantity,
  monthlyDifference: s.monthlyDifference,
  /** A usage subscription's last month and what it comes to at the customer's price. */
  usagePeriod: s.usagePeriod,
  usageTotalCents: s.usageTotalCents,
  reason: s.reason,
  outOfSyncSince: s.outOfSyncSince?.toISOString() ?? null,
  checkedAt: s.checkedAt.toISOString(),
});

/** A report as CSV: the columns a billing lead filters on, amounts as decimals, days as ISO dates. */
function reportCsv(rows: ReturnType<typeof reportRow>[], distributorName: string) {
  const day = (iso: string | null) => iso?.slice(0, 10) ?? '';
  return toCsv(
    [
      'Company',
      'Subscription',
      'Product',
      'Term',
      'Arrears',
      'State',
      'ConnectWise agreement',
      'Agreement id',
      'Addition id',
      'ConnectWise quantity',
      `${distributorName} quantity`,
      'Monthly difference',
      'Reason',
      'Out of sync since',
      'Checked',
    ],
    rows.map((r) => [
      r.companyName,
      r.subscriptionId,
      r.productName,
      r.billingTerm,
      r.arrears ? 'yes' : 'no',
      stateLabel(r.state),
      r.cwAgreementName,
      r.cwAgreementId,
      r.cwAdditionId,
      r.cwQuantity,
      r.distributorQuantity,
      r.monthlyDifference === null ? '' : centsToDecimal(r.monthlyDifference),
      r.reason,
      day(r.outOfSyncSince),
      day(r.checkedAt),
    ]),
  );
}

/** Sync now, and the history of runs. */
function syncRunRoutes(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .post(
        '/sync/runs',
        mayWrite(deps),
        zv('json', z.object({ mode: z._default(z.enum(['sync', 'check']), 'sync') })),
        async (c) => {
          const { tenant, member, session, permissions } = c.get('auth');
          // A member whose role may not write additions gets a check: nothing is written for her.
          const mode = c.req.valid('json').mode === 'sync' && permissions.allowed.writeAdditions ? 'sync' : 'check';
          // A job, followed through GET /sync/runs: a tenant's run can take minutes. It carries
          // her session's id, never her credentials; the worker unseals them from the session.
          const jobId = await deps.jobs.enqueue({
            tenantId: tenant.id,
            trigger: mode === 'check' ? 'check' : 'manual',
            requestedBy: `${member.name} (${member.id})`,
            ...(mode === 'sync' ? { sessionId: session.id } : {}),
          });
          if (!jobId)
            throw new AppError(
              'conflict',
              'A sync for this ConnectWise instance is already waiting to start; its progress is shown below once it runs.',
              { reason: 'queued' },
            );
          return c.json(
            {
              queued: true,
              jobId,
              mode,
              note:
                mode === 'check' && c.req.valid('json').mode === 'sync'
                  ? `${permissions.reasons.writeAdditions ?? 'Your role may not write additions.'} This run only checks; nothing is written.`
                  : null,
            },
            202,
          );
        },
      )
      .get('/sync/runs', async (c) => {
        const runs = await recentRuns(deps.database.db, c.get('auth').tenant.id);
        return c.json(
          runs.map((r) => ({
            ...r,
            startedAt: r.startedAt.toISOString(),
            finishedAt: r.finishedAt?.toISOString() ?? null,
          })),
          200,
        );
      })
      /** What one run wrote and failed per kind of change: read once, for its summary, when it ends. */
      .get('/sync/runs/:id/kinds', zv('param', uuidParam), async (c) => {
        const id = c.req.valid('param').id;
        const kinds = await runKinds(deps.database.db, c.get('auth').tenant.id, [id]);
        return c.json(kinds.get(id) ?? {}, 200);
      })
  );
}

/** The agreement pod's list, ignoring a subscription, and the reports (as CSV too). */
function reportRoutes(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      /** The agreement pod: subscriptions billed here, or of this company and unmapped, that differ. */
      .get('/agreements/:id/unsynced', zv('param', z.object({ id: cwIdText('ConnectWise agreement') })), async (c) => {
        const ctx = await requestContext(deps, c);
        const agreementId = Number(c.req.valid('param').id);
        return c.json(await agreementUnsynced(ctx, agreementId), 200);
      })
      .post(
        '/subscriptions/:id/ignore',
        mayWrite(deps, 'writeAdditions'),
        zv('param', subParam),
        zv('json', z.object({ reason: z.optional(z.string().check(z.maxLength(500))) })),
        async (c) => {
          const ctx = await requestContext(deps, c);
          await readSubscription(ctx.distributor, c.req.valid('param').id);
          await ignoreSubscription(ctx.db, ctx.scope, {
            subscriptionId: c.req.valid('param').id,
            reason: c.req.valid('json').reason ?? null,
            by: ctx.by,
          });
          return c.json({ ignored: true }, 200);
        },
      )
      .delete('/subscriptions/:id/ignore', mayWrite(deps, 'writeAdditions'), zv('param', subParam), async (c) => {
        const ctx = await requestContext(deps, c);
        if (!(await restoreSubscription(ctx.db, ctx.scope, c.req.valid('param').id)))
          throw new AppError('not_found', 'This subscription is not hidden from the reports.');
        return c.json({ ignored: false }, 200);
      })
      /** Unsynced (by company, seat-based and arrears apart), linked and unlinked: from the last check. */
      .get(
        '/reports/:view',
        zv(
          'param',
          z.object({ view: z.enum(['unsynced', 'linked', 'unlinked', 'unsynced.csv', 'linked.csv', 'unlinked.csv']) }),
        ),
        async (c) => {
          const ctx = await requestContext(deps, c);
          const view = c.req.valid('param').view;
          const base = view.replace('.csv', '') as ReportView;
          const [statuses, ignored, checked] = await Promise.all([
            reportStatuses(ctx.db, ctx.scope, base),
            listIgnored(ctx.db, ctx.scope),
            lastCheckedAt(ctx.db, ctx.scope),
          ]);
          const ignoredSet = new Map(ignored.map((i) => [i.subscriptionId, i]));
          const rows = statuses
            .filter((s) => !view.startsWith('unsynced') || !ignoredSet.has(s.subscriptionId))
            .sort((a, b) => a.companyName.localeCompare(b.companyName) || a.productName.localeCompare(b.productName))
            .map(reportRow);
          if (view.endsWith('.csv')) {
            const csv = reportCsv(rows, ctx.distributor.displayName);
            return c.body(csv, 200, {
              'Content-Type': 'text/csv; charset=utf-8',
              'Content-Disposition': `attachment; filename="${view}"`,
            });
          }
          const ignoredStatuses =
            view === 'unsynced'
              ? await statusesOf(
                  ctx.db,
                  ctx.scope,
                  ignored.map((i) => i.subscriptionId),
                )
              : [];
          const ignoredRows = ignoredStatuses.map((s) => ({
            subscriptionId: s.subscriptionId,
            companyName: s.companyName,
            productName: s.productName,
            ignoredBy: ignoredSet.get(s.subscriptionId)!.ignoredBy,
            ignoredAt: ignoredSet.get(s.subscriptionId)!.ignoredAt.toISOString(),
          }));
          const lastChecked = checked ? new Date(checked).toISOString() : null;
          return c.json({ rows, ignored: ignoredRows, lastChecked }, 200);
        },
      )
  );
}

/** Sync now and its history, the agreement pod's list, ignoring, and the reports with CSV. */
export function syncRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().route('/', syncRunRoutes(deps)).route('/', reportRoutes(deps));
}

/** What a person should look at first: what can be synced now, then the most money a month. */
const STATE_ORDER: Record<string, number> = {
  'out-of-sync': 0,
  'over-billing': 1,
  'needs-review': 2,
  unmapped: 3,
  mapped: 4,
};
function byMoneyAtRisk(
  a: { state: string; monthlyDifference: number | null },
  b: { state: string; monthlyDifference: number | null },
): number {
  return (
    (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) ||
    Math.abs(b.monthlyDifference ?? 0) - Math.abs(a.monthlyDifference ?? 0)
  );
}
