import { Hono } from 'hono';
import { z } from 'zod/mini';
import { serviceMappingFor } from '../../db/queries/mappings.ts';
import { billingAdditions } from '../../shared/billing/additions.ts';
import { planSubscription } from '../../shared/billing/planner.ts';
import { formatCents } from '../../shared/money.ts';
import type { SubscriptionSnapshot } from '../../shared/schemas/distributor.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { loadPlanInput, readSubscription } from '../sync/load.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, requestContext } from './context.ts';

export type ChangeStatus = 'billed' | 'unbilled' | 'waived' | 'not-mapped';

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
        },
        200,
      );
    };
    if (mapping?.status !== 'mapped') return unbilled('Not mapped to an agreement: nothing bills it in ConnectWise.');
    const loaded = await loadPlanInput(ctx.db, ctx.tenant, ctx.cw, ctx.distributor, id, ctx.today).catch(
      (error: unknown) => {
        if (error instanceof AppError && error.details.reason === 'product_unmapped') return null;
        throw error;
      },
    );
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
    return c.json({ productName: s.productName, cwQuantity, changes: rows }, 200);
  });
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
