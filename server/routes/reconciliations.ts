import { Hono } from 'hono';
import { z } from 'zod/mini';
import { outstandingOperations } from '../../db/queries/operations.ts';
import { awaitingReview, eventsOf, reconciliationsOf } from '../../db/queries/reconciliations.ts';
import { addMonths, monthName } from '../../shared/billing/calendar.ts';
import { currencyOf } from '../../shared/billing/reconcile/compare.ts';
import { centsToDecimal } from '../../shared/money.ts';
import {
  acceptSchema,
  periodSchema,
  RECONCILE_STATUS_LABEL,
  RECONCILE_STATUSES,
  rejectSchema,
} from '../../shared/schemas/reconcile.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { checkPeriod, type ReconcileContext } from '../reconcile/check.ts';
import { acceptDifferences, rejectDifferences } from '../reconcile/decide.ts';
import { monthPicture } from '../reconcile/picture.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';
import { toCsv } from './csv.ts';
import { writeContext } from './plans.ts';

const periodQuery = z.object({ period: z.optional(periodSchema), status: z.optional(z.enum(RECONCILE_STATUSES)) });

/** Last month: the period whose invoice is the newest to reconcile. */
const lastMonth = (today: string) => addMonths(today, -1).slice(0, 7);

const reconcileContext = (ctx: RequestContext, deps: ApiDeps): ReconcileContext => ({
  db: ctx.db,
  tenant: ctx.tenant,
  cw: ctx.cw,
  distributor: ctx.distributor,
  today: ctx.today,
  now: () => deps.clock.now().toJSDate(),
  actor: ctx.by,
});

function mustHaveInvoices(ctx: RequestContext) {
  if (!ctx.distributor.capabilities.invoices)
    throw new AppError(
      'conflict',
      `${ctx.distributor.displayName} does not share invoices, so there is nothing to reconcile.`,
      {
        reason: 'no_invoices',
      },
    );
}

/** The month's reconciliation: its differences, accepting and rejecting them, their history and CSV. */
function reconciliationDecisionRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/reconciliations', zv('query', periodQuery), async (c) => {
      const ctx = await requestContext(deps, c);
      mustHaveInvoices(ctx);
      const { period = lastMonth(ctx.today), status } = c.req.valid('query');
      const check = await checkPeriod(reconcileContext(ctx, deps), period);
      const counts = Object.fromEntries(
        RECONCILE_STATUSES.map((s) => [s, check.rows.filter((r) => r.status === s).length]),
      );
      return c.json(
        {
          period,
          month: monthName(`${period}-01`),
          cutover: check.cutover,
          due: check.due,
          counts,
          rows: status ? check.rows.filter((r) => r.status === status) : check.rows,
        },
        200,
      );
    })
    .post('/reconciliations/accept', mayWrite(deps, 'writeAdditions'), zv('json', acceptSchema), async (c) => {
      const ctx = await requestContext(deps, c);
      mustHaveInvoices(ctx);
      const { period, subscriptionIds } = c.req.valid('json');
      const result = await acceptDifferences(
        reconcileContext(ctx, deps),
        writeContext(ctx, deps),
        period,
        subscriptionIds,
        ctx.by,
      );
      for (const r of result.rows) if (r.cwAgreementId) ctx.invalidate(`additions:${r.cwAgreementId}`);
      return c.json(result, 200);
    })
    .post('/reconciliations/reject', mayWrite(deps, 'writeAdditions'), zv('json', rejectSchema), async (c) => {
      const ctx = await requestContext(deps, c);
      mustHaveInvoices(ctx);
      const { period, subscriptionIds, reason } = c.req.valid('json');
      return c.json(await rejectDifferences(reconcileContext(ctx, deps), period, subscriptionIds, reason, ctx.by), 200);
    })
    .get(
      '/reconciliations/history',
      zv('query', z.object({ period: periodSchema, subscriptionId: z.string().check(z.minLength(1)) })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const { period, subscriptionId } = c.req.valid('query');
        const [row] = await reconciliationsOf(ctx.db, ctx.scope, period, [subscriptionId]);
        if (!row) throw new AppError('not_found', 'This subscription has not been reconciled for that month.');
        const events = await eventsOf(ctx.db, ctx.tenant.id, [row.id]);
        return c.json(
          {
            events: events.map((e) => ({
              at: e.at.toISOString(),
              actor: e.actor,
              from: e.fromStatus,
              to: e.toStatus,
              note: e.note,
            })),
          },
          200,
        );
      },
    )
    .get('/reconciliations.csv', zv('query', periodQuery), async (c) => {
      const ctx = await requestContext(deps, c);
      const { period = lastMonth(ctx.today) } = c.req.valid('query');
      const rows = await reconciliationsOf(ctx.db, ctx.scope, period);
      const csv = toCsv(
        [
          'Period',
          'Company',
          'Product',
          'Subscription',
          'Status',
          'Invoice quantity',
          'ConnectWise quantity',
          'Distributor cost',
          'ConnectWise billed',
          'Expected',
          'Difference',
          'Margin',
          'Decision',
          'Decided by',
          'Reason',
        ],
        rows.map((r) => [
          r.period,
          r.companyName,
          r.productName,
          r.subscriptionId,
          RECONCILE_STATUS_LABEL[r.status],
          r.figures?.invoice?.quantity ?? '',
          r.figures?.cw.quantity ?? '',
          r.figures?.invoice ? centsToDecimal(r.figures.invoice.costCents) : '',
          r.figures ? centsToDecimal(r.figures.cw.billedCents) : '',
          r.figures ? centsToDecimal(r.figures.expectedCents) : '',
          r.figures ? centsToDecimal(r.figures.differenceCents) : '',
          r.figures ? centsToDecimal(r.figures.marginCents) : '',
          r.decision ?? '',
          r.decidedBy ?? '',
          r.reason,
        ]),
      );
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="reconciliation-${period}.csv"`,
      });
    });
}

/** The month's picture and what to check before the invoice run. */
function monthPictureRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/month-picture', zv('query', periodQuery), async (c) => {
      const ctx = await requestContext(deps, c);
      const { period = lastMonth(ctx.today) } = c.req.valid('query');
      return c.json(await monthPicture(ctx.db, ctx.tenant.id, period), 200);
    })
    .get('/month-picture.csv', zv('query', periodQuery), async (c) => {
      const ctx = await requestContext(deps, c);
      const { period = lastMonth(ctx.today) } = c.req.valid('query');
      const picture = await monthPicture(ctx.db, ctx.tenant.id, period);
      const csv = toCsv(
        [
          'Period',
          'Company',
          'Currency',
          'Licences',
          'Distributor cost',
          'ConnectWise billed',
          'Margin',
          'Unbilled leakage',
        ],
        [...picture.companies, ...picture.totals.map((t) => ({ name: 'Total', ...t }))].map((r) => [
          period,
          r.name,
          r.currency,
          r.licences,
          centsToDecimal(r.costCents),
          centsToDecimal(r.billedCents),
          centsToDecimal(r.marginCents),
          centsToDecimal(r.leakageCents),
        ]),
      );
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="month-${period}.csv"`,
      });
    })
    .get('/before-invoice', async (c) => {
      const ctx = await requestContext(deps, c);
      // Every distributor's: a bookkeeper checks the whole tenant before invoicing.
      const [review, stuck] = await Promise.all([
        awaitingReview(ctx.db, ctx.tenant.id),
        Promise.all(
          (await deps.vendors.distributors(ctx.tenant)).map((d) =>
            outstandingOperations(ctx.db, { tenantId: ctx.tenant.id, distributor: d.kind }),
          ),
        ),
      ]);
      return c.json(
        {
          review: review.map((r) => ({
            period: r.period,
            distributor: r.distributor,
            subscriptionId: r.subscriptionId,
            companyName: r.companyName,
            productName: r.productName,
            differenceCents: r.figures?.differenceCents ?? 0,
            currency: currencyOf(r),
            reason: r.reason,
          })),
          writes: stuck
            .flat()
            .filter((o) => o.state === 'failed' || o.state === 'unknown')
            .map((o) => ({
              opKey: o.opKey,
              distributor: o.distributor,
              subscriptionId: o.subscriptionId,
              title: o.summary.title,
              state: o.state,
              error: o.error,
              totalCents: o.summary.totalPrice.cents,
            })),
        },
        200,
      );
    });
}

/**
 * Billing reconciliation: each subscription's period against the distributor's invoice, Accept
 * (posts the difference once) and Reject (writes nothing, keeps who and why), each row's
 * history, the month's picture with its chart and CSV, and what is stuck before invoicing.
 */
export function reconciliationRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().route('/', reconciliationDecisionRoutes(deps)).route('/', monthPictureRoutes(deps));
}
