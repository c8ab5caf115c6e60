import { Hono } from 'hono';
import { insertAdjustment } from '../../db/queries/adjustments.ts';
import { companyMappingByCw } from '../../db/queries/mappings.ts';
import { newDistributorCompanySchema } from '../../shared/schemas/mapping.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError, invalidInput } from '../errors.ts';
import { inMemberWords, vendorDetail } from '../http/member-words.ts';
import { VendorError } from '../http/vendor-error.ts';
import { zv } from '../validate.ts';
import { bind } from './companies.ts';
import { type ApiDeps, requestContext } from './context.ts';

/** The distributor's field names, as the form names them. */
const FORM_FIELD: Record<string, string> = {
  'address.street': 'street',
  'address.street2': 'street2',
  'address.city': 'city',
  'address.stateOrProvince': 'stateOrProvince',
  'address.postalCode': 'postalCode',
  'address.country': 'country',
};

/**
 * Creates the distributor's company for a ConnectWise company that has none, then binds the two.
 * The ConnectWise id rides along in its `externalId`: when the distributor's answer is lost, the company is
 * looked for by it, and adopted rather than created twice.
 */
export function distributorCompanyRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().post(
    '/distributor-companies',
    mayWrite(deps, 'writeAdditions'),
    zv('json', newDistributorCompanySchema),
    async (c) => {
      const ctx = await requestContext(deps, c);
      const { cwCompanyId, ...input } = c.req.valid('json');
      const create = ctx.distributor.createCompany;
      if (!create)
        throw new AppError(
          'conflict',
          `${ctx.distributor.displayName} does not let the sync create companies; create it there, then bind it.`,
        );
      const cwCompany = await ctx.cwCompany(cwCompanyId);
      if (await companyMappingByCw(ctx.db, ctx.scope, cwCompanyId))
        throw new AppError(
          'conflict',
          `${cwCompany.name} is already bound to a ${ctx.distributor.displayName} company.`,
          {
            field: 'cwCompanyId',
          },
        );
      const externalId = `cw:${cwCompanyId}`;
      const log = (outcome: 'success' | 'failure' | 'unknown', extra: { errorCode?: string; errorMessage?: string }) =>
        insertAdjustment(ctx.db, ctx.tenant.id, {
          actorType: ctx.actor.type,
          actorMemberId: ctx.actor.memberId,
          actorName: ctx.actor.name,
          action: 'distributor-company.create',
          cwCompanyId,
          companyName: input.name,
          requestSummary: { method: 'POST', path: '/companies', body: { ...input, externalId } },
          outcome,
          ...extra,
        });
      let created: { id: string; name: string };
      try {
        created = await create.call(ctx.distributor, { ...input, street2: input.street2 ?? null, externalId });
        await log('success', {});
      } catch (error) {
        if (!(error instanceof VendorError)) throw error;
        await log(error.code === 'unknown_outcome' ? 'unknown' : 'failure', {
          errorCode: error.code,
          errorMessage: vendorDetail(error),
        });
        if (error.code === 'validation' && error.fields.length > 0)
          throw invalidInput(error.fields.map((f) => ({ field: FORM_FIELD[f.field] ?? f.field, message: f.message })));
        if (error.code !== 'unknown_outcome') throw error;
        // No answer: it may have been made. Look for it by the ConnectWise id it carries.
        const found = (await ctx.distributor.companies()).items.find((x) => x.externalId === externalId);
        if (!found)
          throw new AppError(
            'upstream_error',
            `${inMemberWords(error)} ${ctx.distributor.displayName} has no company for ${cwCompany.name} yet, so nothing was made; try again.`,
            { detail: vendorDetail(error) },
          );
        created = found;
      }
      deps.cache.invalidateWhere((k) => k === `${ctx.tenant.id}:${ctx.kind}:companies`);
      const mapping = await bind(ctx, created.id, cwCompanyId);
      return c.json({ distributorCompanyId: created.id, name: created.name, mappingId: mapping.id }, 201);
    },
  );
}
