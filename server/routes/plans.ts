import { Hono } from 'hono';
import { z } from 'zod/mini';
import { companyMappingByDistributor } from '../../db/queries/mappings.ts';
import { outstandingOperations } from '../../db/queries/operations.ts';
import { planSubscription } from '../../shared/billing/planner.ts';
import { confirmPlanSchema } from '../../shared/schemas/plans.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { loadPlanInput } from '../sync/load.ts';
import { confirmReviewedPlan, refusalsOf, retryOperation, type WriteContext, waiveOperation } from '../sync/writer.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';

export const writeContext = (ctx: RequestContext, deps: ApiDeps): WriteContext => ({
  db: ctx.db,
  tenant: ctx.tenant,
  distributor: ctx.kind,
  actor: ctx.actor,
  cw: ctx.cw,
  now: () => deps.clock.now().toJSDate(),
  ...(deps.writeLeaseMs ? { leaseMs: deps.writeLeaseMs } : {}),
});

/** Review, confirm and audit: the plan for a subscription, writing it, and the adjustment log. */
export function planRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .get(
      '/subscriptions/:id/plan',
      zv('param', z.object({ id: z.string() })),
      zv('query', z.object({ recurring: z._default(z.enum(['update', 'replace']), 'update') })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const { input, drift } = await loadPlanInput(ctx, c.req.valid('param').id, {
          recurring: c.req.valid('query').recurring,
        });
        const plan = planSubscription(input);
        // Owed from earlier and no longer in the plan (its month has moved on): shown, and sent on confirm.
        const keys = new Set(plan.status === 'ok' ? plan.operations.map((o) => o.key) : []);
        const carried = (await outstandingOperations(ctx.db, ctx.scope, [input.subscription.id]))
          .filter((r) => !keys.has(r.opKey))
          .map((r) => ({
            key: r.opKey,
            title: r.summary.title,
            totalPrice: r.summary.totalPrice,
            state: r.state,
            error: r.error,
          }));
        const current = input.additions.filter(
          (a) => a.catalogItemId === input.product.catalogItemId && !a.cancelledDate,
        );
        // What ConnectWise refused before is shown with its reason; the member decides to send it again.
        const refused = await refusalsOf(ctx.db, ctx.scope, [...keys]);
        return c.json(
          {
            plan,
            drift,
            carried,
            refused,
            context: {
              subscription: {
                id: input.subscription.id,
                productName: input.subscription.productName,
                quantity: input.subscription.quantity,
                billingTerm: input.subscription.billingTerm,
                unitPrice: input.subscription.unitPrice,
                unitCost: input.subscription.unitCost,
              },
              agreement: input.agreement,
              productLabel: input.product.label,
              existingDescription: current[0]?.invoiceDescription ?? null,
              rules: input.rules,
            },
          },
          200,
        );
      },
    )
    .post('/plans/confirm', mayWrite(deps, 'writeAdditions'), zv('json', confirmPlanSchema), async (c) => {
      const ctx = await requestContext(deps, c);
      const request = c.req.valid('json');
      const { input } = await loadPlanInput(ctx, request.subscriptionId, { recurring: request.recurring });
      const company = await companyMappingByDistributor(ctx.db, ctx.scope, input.subscription.companyId);
      const outcomes = await confirmReviewedPlan(writeContext(ctx, deps), input, request, {
        companyName: company?.cwCompanyName ?? undefined,
        productName: input.subscription.productName,
      });
      ctx.invalidate(`additions:${input.agreement.id}`);
      return c.json({ outcomes }, 200);
    })
    .post(
      '/operations/:key/waive',
      mayWrite(deps, 'writeAdditions'),
      zv('param', z.object({ key: z.string().check(z.minLength(1)) })),
      zv('json', z.object({ reason: z.string().check(z.minLength(1, 'say why'), z.maxLength(500)) })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const row = await waiveOperation(writeContext(ctx, deps), c.req.valid('param').key, c.req.valid('json').reason);
        return c.json(
          { key: row.opKey, state: row.state, waivedBy: row.waivedBy, waivedAt: row.waivedAt?.toISOString() ?? null },
          200,
        );
      },
    )
    .post(
      '/operations/:key/retry',
      mayWrite(deps, 'writeAdditions'),
      zv('param', z.object({ key: z.string().check(z.minLength(1)) })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const outcome = await retryOperation(writeContext(ctx, deps), c.req.valid('param').key);
        deps.cache.invalidateWhere((k) => k.startsWith(`${ctx.tenant.id}:cw:`) && k.includes(':additions:'));
        return c.json(outcome, 200);
      },
    );
}
