import { Hono } from 'hono';
import { z } from 'zod/mini';
import { listProductMappings } from '../../db/queries/mappings.ts';
import { saveUsageSettings, setProductMarkup, setUsageSync } from '../../db/queries/usage.ts';
import { amountToCents, centsToAmount } from '../../shared/money.ts';
import { productMarkupSchema, USAGE_OPTIONS, usageSettingsSchema } from '../../shared/schemas/usage.ts';
import { auditedWrite } from '../audit.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import type { PatchOperation } from '../connectwise/types.ts';
import { AppError } from '../errors.ts';
import { loadUsage, reviewUsage, usageSubscription } from '../sync/usage.ts';
import { executeOperations, refusalsOf } from '../sync/writer.ts';
import { uuidParam, zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';
import { writeContext } from './plans.ts';

const subscriptionParam = z.object({ id: z.string().check(z.minLength(1)) });
const optionQuery = z.object({ option: z.optional(z.enum(USAGE_OPTIONS)) });
const confirmSchema = z.object({
  subscriptionId: z.string().check(z.minLength(1)),
  option: z.enum(USAGE_OPTIONS),
  basis: z.string().check(z.minLength(1, 'confirm the plan you reviewed: its basis is missing')),
});
const catalogEditSchema = z.object({
  description: z
    .string()
    .check(z.minLength(1, 'the description is required'), z.maxLength(60, 'the description is 60 characters at most')),
  customerDescription: z.string().check(z.maxLength(6000, 'the customer description is 6,000 characters at most')),
  priceCents: z.number().check(z.int('the price is in whole cents'), z.gte(0, 'the price cannot be negative')),
  costCents: z.number().check(z.int('the cost is in whole cents'), z.gte(0, 'the cost cannot be negative')),
});

/** Only a catalog item a product of this tenant is bound to is shown or edited here. */
async function mustBeBound(ctx: RequestContext, catalogItemId: number) {
  if (!(await listProductMappings(ctx.db, ctx.scope)).some((m) => m.cwCatalogItemId === catalogItemId))
    throw new AppError('not_found', 'No product of yours is bound to that catalog item.');
}

/** A usage subscription's review, its settings, and confirming what it bills. */
function usageReviewRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/subscriptions/:id/usage-plan', zv('param', subscriptionParam), zv('query', optionQuery), async (c) => {
      const ctx = await requestContext(deps, c);
      const loaded = await loadUsage(ctx, c.req.valid('param').id, {
        option: c.req.valid('query').option,
        withCurrent: true,
      });
      const { plan, panel } = reviewUsage(loaded);
      const refused = await refusalsOf(
        ctx.db,
        ctx.scope,
        plan.status === 'ok' ? plan.operations.map((o) => o.key) : [],
      );
      return c.json(
        {
          plan,
          panel,
          refused,
          period: loaded.input.period,
          settings: loaded.settings,
          unapproved: loaded.unapproved,
          context: {
            subscription: loaded.input.subscription,
            companyName: loaded.companyName,
            agreement: loaded.input.agreement,
            subProductsBound: loaded.input.subProducts.size,
          },
        },
        200,
      );
    })
    .put(
      '/subscriptions/:id/usage-settings',
      // What the arrears run bills with unattended is a setting: only the settings right saves it.
      mayWrite(deps, 'changeSettings'),
      zv('param', subscriptionParam),
      zv('json', usageSettingsSchema),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const id = c.req.valid('param').id;
        // Only a mapped subscription the tenant's distributor bills by usage can hold usage settings.
        const { subscription } = await usageSubscription(
          ctx.db,
          ctx.scope,
          ctx.distributor,
          id,
          await ctx.distributorSubscription(id),
        );
        const row = await saveUsageSettings(ctx.db, ctx.scope, id, c.req.valid('json'), ctx.by, ctx.now(), {
          approved: true,
          label: usageLabel(subscription.productName, id),
        });
        return c.json(row, 200);
      },
    )
    .post('/usage-plans/confirm', mayWrite(deps, 'writeAdditions'), zv('json', confirmSchema), async (c) => {
      const ctx = await requestContext(deps, c);
      const request = c.req.valid('json');
      const loaded = await loadUsage(ctx, request.subscriptionId, {
        option: request.option,
      });
      const { plan } = reviewUsage(loaded);
      if (plan.status !== 'ok') throw new AppError('conflict', plan.reason!, { reason: plan.status });
      if (plan.basis !== request.basis)
        throw new AppError(
          'conflict',
          'The usage or ConnectWise changed since this review was opened; nothing was written. Review the new plan.',
          { reason: 'stale_plan' },
        );
      const outcomes = await executeOperations(
        writeContext(ctx, deps),
        {
          subscriptionId: request.subscriptionId,
          cwAgreementId: loaded.input.agreement.id,
          basis: plan.basis,
          confirmedBy: ctx.actor.name,
        },
        plan.operations,
        { companyName: loaded.companyName, productName: loaded.input.subscription.productName },
      );
      // A different option is kept for the next month and the scheduled run: approved when the
      // member holds the settings right; otherwise the run holds the subscription until a member
      // who may confirms it (never switching back on its own, never billing with it unattended).
      if (request.option !== loaded.standingOption)
        await saveUsageSettings(
          ctx.db,
          ctx.scope,
          request.subscriptionId,
          { option: request.option },
          ctx.by,
          ctx.now(),
          {
            approved: c.get('auth').permissions.allowed.changeSettings,
            label: usageLabel(loaded.input.subscription.productName, request.subscriptionId),
          },
        );
      ctx.invalidate(`additions:${loaded.input.agreement.id}`);
      return c.json({ outcomes }, 200);
    });
}

/** What a usage product bills with: its sub-products' sync switches, its markup, and its ConnectWise item. */
function usageProductRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .put(
      '/product-mappings/:id/usage-sync',
      mayWrite(deps, 'changeSettings'),
      zv('param', uuidParam),
      zv('json', z.object({ on: z.boolean() })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const row = await setUsageSync(
          ctx.db,
          ctx.scope,
          c.req.valid('param').id,
          c.req.valid('json').on,
          ctx.by,
          ctx.now(),
        );
        if (!row)
          throw new AppError('conflict', 'Only a bound product has a usage sync to turn on or off; bind it first.', {
            reason: 'unbound',
          });
        return c.json(row, 200);
      },
    )
    .put(
      '/product-mappings/:id/markup',
      mayWrite(deps, 'changeSettings'),
      zv('param', uuidParam),
      zv('json', productMarkupSchema),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const row = await setProductMarkup(
          ctx.db,
          ctx.scope,
          c.req.valid('param').id,
          c.req.valid('json').markupBp,
          ctx.by,
          ctx.now(),
        );
        if (!row) throw new AppError('not_found', 'No such product binding.');
        return c.json(row, 200);
      },
    )
    .get(
      '/catalog-items/:id',
      zv('param', z.object({ id: z.coerce.number().check(z.int(), z.positive()) })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const id = c.req.valid('param').id;
        await mustBeBound(ctx, id);
        const item = await ctx.cw.catalog.get(id);
        return c.json(
          {
            id: item.id,
            identifier: item.identifier,
            description: item.description,
            customerDescription: item.customerDescription ?? '',
            priceCents: item.price == null ? 0 : amountToCents(item.price),
            costCents: item.cost == null ? 0 : amountToCents(item.cost),
          },
          200,
        );
      },
    )
    .patch(
      '/catalog-items/:id',
      mayWrite(deps, 'editProducts'),
      zv('param', z.object({ id: z.coerce.number().check(z.int(), z.positive()) })),
      zv('json', catalogEditSchema),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const id = c.req.valid('param').id;
        await mustBeBound(ctx, id);
        const input = c.req.valid('json');
        const item = await ctx.cw.catalog.get(id);
        const wanted: Record<string, string | number> = {
          description: input.description,
          customerDescription: input.customerDescription,
          price: centsToAmount(input.priceCents),
          cost: centsToAmount(input.costCents),
        };
        const current: Record<string, unknown> = {
          description: item.description,
          customerDescription: item.customerDescription ?? '',
          price: item.price ?? 0,
          cost: item.cost ?? 0,
        };
        // Only what changed is sent, so a field someone else edited meanwhile is left alone.
        const ops: PatchOperation[] = Object.entries(wanted)
          .filter(([k, v]) => current[k] !== v)
          .map(([path, value]) => ({ op: 'replace', path, value }));
        if (ops.length === 0) return c.json({ id, changed: [] }, 200);
        await auditedWrite(
          ctx.db,
          ctx.tenant.id,
          ctx.actor,
          {
            action: 'catalog.update',
            requestSummary: { method: 'PATCH', path: `/procurement/catalog/${id}`, body: ops },
            productName: item.description,
          },
          () => ctx.cw.catalog.patch(id, ops),
        );
        return c.json({ id, changed: ops.map((o) => o.path) }, 200);
      },
    );
}

/**
 * Usage billed in arrears: the review with its four options and the usage panel, the member's
 * settings, confirming through the exactly-once writer, each product's usage sync switch and
 * markup, and editing a bound catalog item in ConnectWise as the member.
 */
export function usageRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().route('/', usageReviewRoutes(deps)).route('/', usageProductRoutes(deps));
}

/** A usage subscription's settings, as the settings history names them. */
const usageLabel = (productName: string, subscriptionId: string) =>
  `Usage settings of ${productName} (${subscriptionId})`;
