import { Hono } from 'hono';
import { z } from 'zod/mini';
import { type AdjustmentFilters, listAdjustments } from '../../db/queries/adjustments.ts';
import { centsToDecimal } from '../../shared/money.ts';
import type { AppEnv } from '../auth/session.ts';
import { connectionName } from '../distributors/registry.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';
import { toCsv } from './csv.ts';

const logQuery = z.object({
  from: z.optional(z.iso.date()),
  to: z.optional(z.iso.date()),
  company: z.optional(z.string().check(z.maxLength(200))),
  product: z.optional(z.string().check(z.maxLength(200))),
  outcome: z.optional(z.enum(['success', 'failure', 'unknown'])),
  /** Comma-separated operation keys: the entries one confirmation wrote. */
  operations: z.optional(z.string().check(z.maxLength(4000))),
  subscription: z.optional(z.string().check(z.maxLength(200))),
  run: z.optional(z.uuid()),
});

const filtersOf = (q: z.infer<typeof logQuery>): AdjustmentFilters => ({
  ...q,
  operations: q.operations
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .slice(0, 100),
});

/**
 * The adjustment log: every write attempted against ConnectWise, newest first, with what it
 * changed (quantity and amount before and after), who did it and how it ended; as JSON for the
 * Log page and as CSV for a spreadsheet.
 */
export function adjustmentRoutes(deps: ApiDeps) {
  const entries = async (ctx: RequestContext, q: z.infer<typeof logQuery>) =>
    // One subscription's or one confirmation's entries are that distributor's; the whole Log is every one's.
    (
      await listAdjustments(ctx.db, ctx.tenant.id, {
        ...filtersOf(q),
        ...(q.operations || q.subscription ? { distributor: ctx.kind } : {}),
      })
    ).map((r) => {
      const s = r.opSummary;
      return {
        id: r.id,
        at: r.at.toISOString(),
        actorName: r.actorName,
        actorType: r.actorType,
        action: r.action,
        companyName: r.companyName,
        productName: r.productName,
        subscriptionId: r.subscriptionId,
        distributor: r.distributor,
        distributorName: r.distributor ? connectionName(r.distributor) : null,
        cwAgreementId: r.cwAgreementId,
        cwRecordId: r.cwRecordId,
        outcome: r.outcome,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        operationKey: r.operationKey,
        opState: r.opState,
        kind: r.opKind,
        title: s?.title ?? null,
        /** What the line bills after the write, and before it (updates and cancellations). */
        quantity: s?.quantity ?? null,
        amount: s?.totalPrice.cents ?? null,
        beforeQuantity: s?.before?.quantity ?? null,
        beforeAmount: s?.before?.totalPrice.cents ?? null,
        effectiveDate: s?.effectiveDate ?? null,
        note: typeof r.requestSummary.note === 'string' ? r.requestSummary.note : null,
        retryable: r.outcome !== 'success' && (r.opState === 'failed' || r.opState === 'skipped'),
      };
    });
  return new Hono<AppEnv>()
    .get('/adjustments', zv('query', logQuery), async (c) => {
      return c.json(await entries(await requestContext(deps, c), c.req.valid('query')), 200);
    })
    .get('/adjustments.csv', zv('query', logQuery), async (c) => {
      const rows = await entries(await requestContext(deps, c), c.req.valid('query'));
      const money = (cents: number | null) => (cents === null ? '' : centsToDecimal(cents));
      const csv = toCsv(
        [
          'When (UTC)',
          'Who',
          'Action',
          'Change',
          'Company',
          'Product',
          'Agreement id',
          'Addition id',
          'Quantity before',
          'Quantity after',
          'Amount before',
          'Amount after',
          'Effective date',
          'Outcome',
          'Now',
          'Error',
        ],
        rows.map((r) => [
          r.at.slice(0, 19).replace('T', ' '),
          r.actorName,
          r.action,
          r.title ?? r.note,
          r.companyName,
          r.productName,
          r.cwAgreementId,
          r.cwRecordId,
          r.beforeQuantity,
          r.quantity,
          money(r.beforeAmount),
          money(r.amount),
          r.effectiveDate,
          r.outcome,
          r.opState,
          r.errorMessage,
        ]),
      );
      return c.body(csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="adjustment-log.csv"',
      });
    });
}
