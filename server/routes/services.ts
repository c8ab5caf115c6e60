import { Hono } from 'hono';
import { z } from 'zod/mini';
import {
  companyMappingByDistributor,
  listProductMappings,
  mapService,
  unmapService,
} from '../../db/queries/mappings.ts';
import { agreementChoices } from '../../shared/billing/agreements.ts';
import { mapServiceSchema } from '../../shared/schemas/mapping.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, requestContext } from './context.ts';

/** Subscription → agreement: which agreement a subscription bills on, and with which product mapping. */
export function serviceRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .put('/service-mappings', mayWrite(deps, 'writeAdditions'), zv('json', mapServiceSchema), async (c) => {
      const ctx = await requestContext(deps, c);
      const input = c.req.valid('json');
      const sub = await ctx.distributorSubscription(input.subscriptionId);
      if (!sub)
        throw new AppError('not_found', `${ctx.distributor.displayName} has no subscription ${input.subscriptionId}.`, {
          field: 'subscriptionId',
        });
      const company = await companyMappingByDistributor(ctx.db, ctx.scope, sub.companyId);
      if (company?.status !== 'mapped' || company.cwCompanyId === null) {
        throw new AppError('conflict', "Bind the subscription's company to a ConnectWise company first.", {
          field: 'subscriptionId',
        });
      }
      const choice = agreementChoices(
        await ctx.cwAgreements(company.cwCompanyId),
        sub.billingTerm,
        ctx.today,
        true,
      ).find((x) => x.agreement.id === input.cwAgreementId);
      if (!choice)
        throw new AppError(
          'invalid_input',
          `Agreement ${input.cwAgreementId} does not belong to ${company.cwCompanyName}.`,
          { fields: [{ field: 'cwAgreementId', message: "choose one of the company's agreements" }] },
        );
      if (!choice.eligible)
        throw new AppError('invalid_input', choice.reason!, {
          fields: [{ field: 'cwAgreementId', message: choice.reason! }],
        });
      const product = input.productMappingId
        ? (await listProductMappings(ctx.db, ctx.scope)).find((p) => p.id === input.productMappingId)
        : (await listProductMappings(ctx.db, ctx.scope)).find(
            (p) => p.distributorProductId === sub.productId && p.subProduct === '',
          );
      if (input.productMappingId && !product)
        throw new AppError('invalid_input', 'No such product mapping.', {
          fields: [{ field: 'productMappingId', message: 'not found' }],
        });
      const mapping = await mapService(
        ctx.db,
        ctx.scope,
        {
          subscriptionId: sub.id,
          companyMappingId: company.id,
          productMappingId: product?.id ?? null,
          cwAgreementId: input.cwAgreementId,
          by: ctx.by,
        },
        ctx.now(),
      );
      return c.json(mapping, 200);
    })
    .delete(
      '/service-mappings/:subscriptionId',
      mayWrite(deps, 'writeAdditions'),
      zv('param', z.object({ subscriptionId: z.string().check(z.minLength(1)) })),
      async (c) => {
        const ctx = await requestContext(deps, c);
        if (!(await unmapService(ctx.db, ctx.scope, c.req.valid('param').subscriptionId)))
          throw new AppError('not_found', 'That subscription is not mapped.');
        return c.json({ ok: true }, 200);
      },
    );
}
