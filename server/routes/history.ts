import { Hono } from 'hono';
import { z } from 'zod/mini';
import { serviceMappingFor } from '../../db/queries/mappings.ts';
import { type OperationRow, outstandingOperations, waivedOperations } from '../../db/queries/operations.ts';
import { billingAdditions } from '../../shared/billing/additions.ts';
import { monthName } from '../../shared/billing/calendar.ts';
import { invoicedAheadOf } from '../../shared/billing/operations.ts';
import { type PlanResult, planSubscription } from '../../shared/billing/planner.ts';
import { formatCents } from '../../shared/money.ts';
import type { SubscriptionSnapshot } from '../../shared/schemas/distributor.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { loadPlanInput, readSubscription } from '../sync/load.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, requestContext } from './context.ts';

export type ChangeStatus = 'billed' | 'unbilled' | 'waived' | 'not-mapped';

/** Months ConnectWise invoiced ahead without the subscription, on its first sync: owed, or waived by a person. */
export interface InvoicedMonths {
  from: string;
  months: number;
  amountCents: number;
  status: 'unbilled' | 'waived';
  note: string;
}

export interface HistoryChange {
  at: string;
  quantity: number | null;
  delta: number | null;
  status: ChangeStatus;
  note: string | null;
}

/**
 * Each quantity change the distributor recorded, oldest first, with whether ConnectWise bills
 * it: billed (the line carries it, or a prorate was written for it), waived by a person, or
 * not billed yet (with what the sync would write). The subscription's writes are in the Log.
 */
export function historyRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().get('/subscriptions/:id/history', zv('param', z.object({ id: z.string() })), async (c) => {
    const ctx = await requestContext(deps, c);
    const id = c.req.valid('param').id;
    const mapping = await serviceMappingFor(ctx.db, ctx.scope, id);
    // Nothing can bill it yet: the changes are listed with why.
    const unbilled = async (note: string) => {
      const subscription = await readSubscription(ctx.distributor, id);
      const history = await ctx.distributor.subscriptionHistory(id);
      return c.json(
        {
          productName: subscription.productName,
          cwQuantity: null,
          changes: withDeltas(history.items).map((h) => ({ ...h, status: 'not-mapped' as ChangeStatus, note })),
          invoicedMonths: [] as InvoicedMonths[],
        },
        200,
      );
    };
    if (mapping?.status !== 'mapped') return unbilled('Not mapped to an agreement: nothing bills it in ConnectWise.');
    const loaded = await loadPlanInput(ctx, id).catch((error: unknown) => {
      if (error instanceof AppError && error.details.reason === 'product_unmapped') return null;
      throw error;
    });
    if (!loaded) return unbilled('Its product is not bound to a ConnectWise catalog item, so nothing bills it yet.');
    const { input } = loaded;
    const s = input.subscription;
    const line = billingAdditions(
      input.additions.filter((a) => a.agreementId === input.agreement.id),
      input.product.catalogItemId,
      ctx.today,
      s.commitment?.endDate ?? null,
    )[0];
    const cwQuantity = line?.quantity ?? 0;
    const plan = planSubscription(input);
    const changes = withDeltas(input.history);
    // Everything after the last point whose quantity ConnectWise bills is not billed yet.
    let lastBilled = -1;
    for (let i = changes.length - 1; i >= 0; i--)
      if (changes[i]!.quantity === cwQuantity) {
        lastBilled = i;
        break;
      }
    const rows: HistoryChange[] = changes.map((h, i) => {
      const dayOf = h.at.slice(0, 10);
      const synced = plan.status === 'ok' ? plan.synced.find((x) => x.at.slice(0, 10) === dayOf) : undefined;
      const waived =
        plan.status === 'ok' ? plan.waived.find((w) => w.proratedPeriod?.from.slice(0, 10) === dayOf) : undefined;
      const planned =
        plan.status === 'ok'
          ? plan.operations.find((o) => o.after.proratedPeriod?.from.slice(0, 10) === dayOf)
          : undefined;
      if (waived)
        return { ...h, status: 'waived', note: `Waived by ${waived.by}${waived.reason ? `: ${waived.reason}` : ''}.` };
      if (synced) return { ...h, status: 'billed', note: `Prorate written (addition #${synced.additionId}).` };
      if (i > lastBilled || planned)
        return {
          ...h,
          status: 'unbilled',
          note: planned
            ? `${planned.title}: ${formatCents(planned.after.totalPrice.cents)} waits to be written.`
            : 'ConnectWise does not bill this quantity yet.',
        };
      return { ...h, status: 'billed', note: null };
    });
    const [owed, waived] = await Promise.all([
      outstandingOperations(ctx.db, ctx.scope, [id]),
      waivedOperations(ctx.db, ctx.scope, [id]),
    ]);
    return c.json(
      { productName: s.productName, cwQuantity, changes: rows, invoicedMonths: invoicedMonthsOf(plan, owed, waived) },
      200,
    );
  });
}

/**
 * Months invoiced without the subscription are never read as billed: while the line is owed
 * it says so with its amount, and once a person leaves it out, who waived how much and why.
 * Waivers are read from the log, since the plan stops offering the line once the recurring
 * one is written.
 */
function invoicedMonthsOf(plan: PlanResult, owed: readonly OperationRow[], waived: readonly OperationRow[]) {
  const span = (m: { from: string; months: number }) =>
    `${monthName(m.from)}${m.months > 1 ? ` and ${m.months - 1} more` : ''}`;
  const rows = new Map<string, InvoicedMonths>();
  const planned = plan.status === 'ok' ? plan.operations.map((o) => [o.key, o.after.totalPrice.cents] as const) : [];
  for (const [key, cents] of [...planned, ...owed.map((r) => [r.opKey, r.summary.totalPrice.cents] as const)]) {
    const months = invoicedAheadOf(key);
    if (months && !rows.has(key))
      rows.set(key, {
        ...months,
        amountCents: cents,
        status: 'unbilled',
        note: `${span(months)}: invoiced without this subscription; not billed yet: ${formatCents(cents)} waits to be written.`,
      });
  }
  for (const r of waived) {
    const months = invoicedAheadOf(r.opKey);
    if (months)
      rows.set(r.opKey, {
        ...months,
        amountCents: r.summary.totalPrice.cents,
        status: 'waived',
        note:
          `${span(months)}: not billed: ${formatCents(r.summary.totalPrice.cents)}, waived by ` +
          `${r.waivedBy ?? 'someone'}${r.waivedReason ? `: ${r.waivedReason.replace(/\.$/, '')}` : ''}.`,
      });
  }
  return [...rows.values()];
}

/** Snapshots oldest first, each with the change it made to the quantity. */
function withDeltas(items: readonly SubscriptionSnapshot[]) {
  const sorted = [...items].sort((a, b) => a.at.localeCompare(b.at));
  return sorted
    .map((h, i) => {
      const before = i > 0 ? sorted[i - 1]!.quantity : null;
      return {
        at: h.at,
        quantity: h.quantity,
        delta: h.quantity === null ? null : before === null ? h.quantity : h.quantity - before,
      };
    })
    .filter((h, i) => i === 0 || h.delta !== 0);
}
