import { Hono } from 'hono';
import { z } from 'zod/mini';
import { isUniqueViolation } from '../../db/errors.ts';
import {
  bindCompany,
  companyMappingByCw,
  companyMappingByDistributor,
  companyMappingById,
  countServiceMappings,
  listCompanyMappings,
  listProductMappings,
  setDefaultAgreement,
  unbindCompany,
} from '../../db/queries/mappings.ts';
import type { OverBilling } from '../../shared/billing/over-billing.ts';
import { byPlace, type Place } from '../../shared/matching/address.ts';
import { createMatcher, MIN_SCORE } from '../../shared/matching/suggest.ts';
import { formatCents, microsToCents } from '../../shared/money.ts';
import type { DistributorCompany } from '../../shared/schemas/distributor.ts';
import {
  bindCompanySchema,
  bulkCompaniesSchema,
  type CompanyRow,
  type MappingStatus,
  newCompanySchema,
  type SubscriptionRow,
} from '../../shared/schemas/mapping.ts';
import { auditedWrite } from '../audit.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError, invalidInput } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import { assessCompany, usageMonthOf } from '../sync/assess.ts';
import { boundProducts, overBillingIn } from '../sync/over-billing.ts';
import { cwIdText, uuidParam, zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';

const cwIdParam = z.object({ cwCompanyId: cwIdText('ConnectWise company') });
const mappingIdParam = uuidParam;

/** Binds one distributor company to one ConnectWise company, refusing a pairing that would double-bill. */
export async function bind(ctx: RequestContext, distributorCompanyId: string, cwCompanyId: number) {
  const theirs = (await ctx.distributorCompanies()).items.find((x) => x.id === distributorCompanyId);
  if (!theirs)
    throw new AppError('not_found', `${ctx.distributor.displayName} has no company ${distributorCompanyId}.`, {
      field: 'distributorCompanyId',
    });
  const cwCompany = await ctx.cwCompany(cwCompanyId);
  const other = await companyMappingByCw(ctx.db, ctx.scope, cwCompanyId);
  if (other && other.distributorCompanyId !== distributorCompanyId) {
    throw new AppError(
      'conflict',
      `${cwCompany.name} is already bound to the ${ctx.distributor.displayName} company ${other.distributorCompanyName}; unbind it first.`,
      { field: 'cwCompanyId' },
    );
  }
  const mine = await companyMappingByDistributor(ctx.db, ctx.scope, distributorCompanyId);
  if (mine?.status === 'mapped' && mine.cwCompanyId !== null && mine.cwCompanyId !== cwCompanyId) {
    throw new AppError('conflict', `${theirs.name} is already bound to ${mine.cwCompanyName}; unbind it first.`, {
      field: 'distributorCompanyId',
    });
  }
  try {
    const agreements = await ctx.cwAgreements(cwCompanyId);
    return await bindCompany(
      ctx.db,
      ctx.scope,
      {
        distributorCompanyId,
        distributorCompanyName: theirs.name,
        cwCompanyId,
        cwCompanyName: cwCompany.name,
        by: ctx.by,
        agreementIds: agreements.map((a) => a.id),
      },
      ctx.now(),
    );
  } catch (error) {
    // Two members binding at once: the unique index decides, and the loser is told plainly.
    if (!isUniqueViolation(error, 'company_mappings_cw_bound_uq')) throw error;
    throw new AppError(
      'conflict',
      `${cwCompany.name} was just bound to another ${ctx.distributor.displayName} company; reload to see it.`,
      {
        field: 'cwCompanyId',
      },
    );
  }
}

/**
 * Every subscription of a bound company with where it stands against ConnectWise, decided
 * exactly as the agreement pod, the unsynced report and the scheduled run decide it: the same
 * assessment (history, owed operations and drift included), read fresh.
 */
async function subscriptionRows(
  ctx: RequestContext,
  distributorCompanyId: string,
  cwCompanyId: number,
): Promise<{ rows: SubscriptionRow[]; overBilling: OverBilling[] }> {
  const products = await listProductMappings(ctx.db, ctx.scope);
  const [assessed, agreements] = await Promise.all([
    assessCompany({ ...ctx, products }, distributorCompanyId, cwCompanyId),
    ctx.cwAgreements(cwCompanyId),
  ]);
  const bound = boundProducts(products);
  const open = agreements.filter((a) => !a.cancelled);
  const additions = await Promise.all(open.map((a) => ctx.cwAdditions(a.id)));
  const overBilling = overBillingIn(
    bound,
    assessed,
    open.map((agreement, i) => ({ agreement, additions: additions[i]! })),
    ctx.today,
    ctx.distributor.displayName,
  );
  const byProduct = new Map(products.filter((p) => p.subProduct === '').map((p) => [p.distributorProductId, p]));
  const withSubProducts = new Set(
    products
      .filter((p) => p.subProduct !== '' && p.status === 'mapped' && p.cwCatalogItemId !== null)
      .map((p) => p.distributorProductId),
  );
  const rows = assessed.map((a): SubscriptionRow => {
    const s = a.subscription;
    const product = byProduct.get(s.productId);
    const mapped = a.mapping?.status === 'mapped';
    const seats =
      a.cwQuantity !== null && s.quantity !== null && a.cwQuantity !== s.quantity
        ? `ConnectWise ${a.cwQuantity}, ${ctx.distributor.displayName} ${s.quantity} (${s.quantity > a.cwQuantity ? '+' : ''}${s.quantity - a.cwQuantity})`
        : null;
    return {
      id: s.id,
      productId: s.productId,
      productName: s.productName,
      quantity: s.quantity,
      billingTerm: s.billingTerm,
      unitPrice: s.unitPrice === null ? null : microsToCents(s.unitPrice),
      unitCost: s.unitCost === null ? null : microsToCents(s.unitCost),
      status: s.status,
      state: a.ignored ? 'ignored' : a.state,
      difference: a.state === 'out-of-sync' ? [seats, a.reason].filter(Boolean).join(': ') || null : null,
      monthlyDifference: a.state === 'in-sync' || a.ignored ? null : a.monthlyDifference,
      error: a.state === 'needs-review' || (a.state === 'unmapped' && a.mapping) ? a.reason : null,
      agreementId: mapped || a.mapping?.status === 'paused' ? (a.mapping?.cwAgreementId ?? null) : null,
      productMapping: product
        ? { id: product.id, cwCatalogItemId: product.cwCatalogItemId, cwCatalogIdentifier: product.cwCatalogIdentifier }
        : null,
      subProductsBound: withSubProducts.has(s.productId),
      usage: a.usage,
      usageMonth: usageMonthOf(a),
      commitment: a.commitment ?? null,
      notes: a.waived.map(
        (w) =>
          `${w.summary.title.replace(/^Creating /, '')} ${formatCents(w.summary.totalPrice.cents)} waived by ` +
          `${w.waivedBy} on ${w.waivedAt?.toISOString().slice(0, 10) ?? ''}${w.waivedReason ? `: ${w.waivedReason}` : ''}`,
      ),
    };
  });
  return { rows, overBilling };
}

/** ConnectWise names countries; distributors want ISO codes. The common ones are known; others are typed. */
const COUNTRY_CODES: Record<string, string> = {
  'united states': 'US',
  usa: 'US',
  canada: 'CA',
  'united kingdom': 'GB',
  australia: 'AU',
  'new zealand': 'NZ',
  ireland: 'IE',
  'south africa': 'ZA',
  netherlands: 'NL',
  germany: 'DE',
};
const countryCode = (name: string | null | undefined) => COUNTRY_CODES[(name ?? '').trim().toLowerCase()] ?? '';

const placeAtDistributor = (p: DistributorCompany): Place => ({
  postalCode: p.address.postalCode,
  city: p.address.city,
});

/**
 * The tab of a ConnectWise company bound to no company at the distributor: the distributor's
 * unbound companies that look like it, best first, and the close matches bound elsewhere.
 */
async function unboundTab(ctx: RequestContext, cwCompany: Awaited<ReturnType<RequestContext['cwCompany']>>) {
  const [listed, mappings] = await Promise.all([ctx.distributorCompanies(), listCompanyMappings(ctx.db, ctx.scope)]);
  const boundTo = new Map(
    mappings.filter((m) => m.status === 'mapped').map((m) => [m.distributorCompanyId, m] as const),
  );
  const candidates = (free: boolean) =>
    listed.items
      .filter((p) => boundTo.has(p.id) !== free)
      .map((p) => ({ id: p.id, name: p.name, website: p.website, place: placeAtDistributor(p) }));
  const here = { postalCode: cwCompany.zip, city: cwCompany.city };
  const suggestions = byPlace(
    createMatcher(candidates(true)).suggest(cwCompany.name, cwCompany.website, 5),
    here,
    (s) => s.candidate.place,
  )
    .filter((s) => s.score >= MIN_SCORE)
    .map((s) => ({
      distributorCompanyId: s.candidate.id as string,
      name: s.candidate.name,
      website: s.candidate.website ?? null,
      city: s.candidate.place.city ?? null,
      score: s.score,
      reasons: s.reasons,
    }));
  // A close match already bound to another ConnectWise company (two "Arcadia Tech"s, say)
  // is named with where it is bound, rather than silently left out.
  const alreadyBound = byPlace(
    createMatcher(candidates(false))
      .suggest(cwCompany.name, cwCompany.website, 3)
      .filter((s) => s.score >= 80),
    here,
    (s) => s.candidate.place,
  ).map((s) => {
    const m = boundTo.get(s.candidate.id as string)!;
    return {
      name: s.candidate.name,
      score: s.score,
      boundToCwCompanyId: m.cwCompanyId,
      boundToCwCompanyName: m.cwCompanyName,
    };
  });
  return {
    today: ctx.today,
    cwCompany: { id: cwCompany.id, name: cwCompany.name },
    // What "Create in …" starts from: the company as ConnectWise has it; only where the distributor can create one.
    newDistributorCompany: !ctx.distributor.capabilities.createCompany
      ? null
      : {
          name: cwCompany.name,
          street: cwCompany.addressLine1 ?? '',
          street2: cwCompany.addressLine2 ?? '',
          city: cwCompany.city ?? '',
          stateOrProvince: cwCompany.state ?? '',
          postalCode: cwCompany.zip ?? '',
          country: countryCode(cwCompany.country?.name),
          phone: cwCompany.phoneNumber ?? '',
          website: cwCompany.website ?? '',
        },
    binding: null,
    suggestions,
    alreadyBound,
    agreements: [],
    defaultAgreementId: null,
    subscriptions: [],
    overBilling: [],
  };
}

/** The companies page, one company's tab, and the lists a binding is chosen from. */
function companyPages(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      /** The companies page: every company at the distributor, mapped, unmapped or failed, with a suggestion for the unmapped. */
      .get('/companies', async (c) => {
        const ctx = await requestContext(deps, c);
        const [listed, cwCompanies, mappings] = await Promise.all([
          ctx.distributorCompanies(),
          ctx.cwCompanies(),
          listCompanyMappings(ctx.db, ctx.scope),
        ]);
        const taken = new Set(mappings.filter((m) => m.status === 'mapped').map((m) => m.cwCompanyId));
        const matcher = createMatcher(cwCompanies.filter((x) => !taken.has(x.id)));
        const byDistributor = new Map(mappings.map((m) => [m.distributorCompanyId, m]));
        const rows: CompanyRow[] = listed.items.map((p) => {
          const m = byDistributor.get(p.id);
          const status: MappingStatus =
            m?.status === 'mapped' ? 'mapped' : m?.status === 'failed' ? 'failed' : 'unmapped';
          // Same-named ConnectWise companies are told apart by address: the one where this company is wins.
          const best =
            status === 'unmapped'
              ? byPlace(matcher.suggest(p.name, p.website, 3), placeAtDistributor(p), (s) => ({
                  postalCode: s.candidate.zip,
                  city: s.candidate.city,
                }))[0]
              : undefined;
          return {
            distributorCompanyId: p.id,
            name: p.name,
            website: p.website,
            status,
            mappingId: m?.id ?? null,
            cwCompanyId: status === 'mapped' ? (m?.cwCompanyId ?? null) : null,
            cwCompanyName: status === 'mapped' ? (m?.cwCompanyName ?? null) : null,
            lastError: m?.lastError ?? null,
            suggestion: best
              ? { cwCompanyId: best.candidate.id, name: best.candidate.name, score: best.score, reasons: best.reasons }
              : null,
          };
        });
        const counts = { all: rows.length, mapped: 0, unmapped: 0, failed: 0 };
        for (const r of rows) counts[r.status]++;
        return c.json({ rows, counts, problems: listed.problems.length }, 200);
      })
      /** The Distributors tab of one ConnectWise company: its binding, or suggestions to bind it. */
      .get('/companies/:cwCompanyId/tab', zv('param', cwIdParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const cwCompanyId = Number(c.req.valid('param').cwCompanyId);
        const [cwCompany, mapping] = await Promise.all([
          ctx.cwCompany(cwCompanyId),
          companyMappingByCw(ctx.db, ctx.scope, cwCompanyId),
        ]);
        if (!mapping) return c.json(await unboundTab(ctx, cwCompany), 200);
        const [agreements, { rows: subscriptions, overBilling }] = await Promise.all([
          ctx.cwAgreements(cwCompanyId),
          subscriptionRows(ctx, mapping.distributorCompanyId, cwCompanyId),
        ]);
        return c.json(
          {
            today: ctx.today,
            cwCompany: { id: cwCompany.id, name: cwCompany.name },
            newDistributorCompany: null,
            binding: {
              mappingId: mapping.id,
              distributorCompanyId: mapping.distributorCompanyId,
              name: mapping.distributorCompanyName,
            },
            suggestions: [],
            alreadyBound: [],
            agreements,
            defaultAgreementId: mapping.defaultAgreementId,
            subscriptions,
            overBilling,
          },
          200,
        );
      })
      /** ConnectWise companies not bound yet, by name: what a distributor company can be bound to by hand. */
      .get(
        '/cw-companies',
        zv('query', z.object({ q: z._default(z.string().check(z.maxLength(100)), '') })),
        async (c) => {
          const ctx = await requestContext(deps, c);
          const q = c.req.valid('query').q.trim().toLowerCase();
          const [all, mappings] = await Promise.all([ctx.cwCompanies(), listCompanyMappings(ctx.db, ctx.scope)]);
          const taken = new Set(mappings.filter((m) => m.status === 'mapped').map((m) => m.cwCompanyId));
          const rows = all
            .filter(
              (x) =>
                !taken.has(x.id) && (!q || x.name.toLowerCase().includes(q) || x.identifier.toLowerCase().includes(q)),
            )
            .sort((a, b) => a.name.localeCompare(b.name))
            .slice(0, 25);
          return c.json(
            rows.map((x) => ({
              id: x.id,
              name: x.name,
              identifier: x.identifier,
              city: x.city ?? null,
              website: x.website ?? null,
            })),
            200,
          );
        },
      )
      .get('/distributor-companies', zv('query', z.object({ q: z._default(z.string(), '') })), async (c) => {
        const ctx = await requestContext(deps, c);
        const q = c.req.valid('query').q.trim().toLowerCase();
        const rows = (await ctx.distributorCompanies()).items
          .filter((p) => !q || p.name.toLowerCase().includes(q))
          .slice(0, 50);
        return c.json(
          rows.map((p) => ({ id: p.id, name: p.name, website: p.website })),
          200,
        );
      })
  );
}

/** Several companies bound or cleared at once: each row answers for itself, and one refusal stops no other. */
async function bindInBulk(ctx: RequestContext, items: { distributorCompanyId: string; cwCompanyId: number | null }[]) {
  const results = [];
  for (const item of items) {
    try {
      if (item.cwCompanyId === null) {
        const m = await companyMappingByDistributor(ctx.db, ctx.scope, item.distributorCompanyId);
        const paused =
          m && m.status === 'mapped' ? ((await unbindCompany(ctx.db, ctx.scope, m.id, ctx.now()))?.paused ?? 0) : 0;
        results.push({
          distributorCompanyId: item.distributorCompanyId,
          ok: true as const,
          message: m?.status === 'mapped' ? `Unbound; ${paused} subscription mapping(s) paused` : 'Was not bound',
        });
      } else {
        const m = await bind(ctx, item.distributorCompanyId, item.cwCompanyId);
        results.push({
          distributorCompanyId: item.distributorCompanyId,
          ok: true as const,
          message: `Bound to ${m.cwCompanyName}`,
        });
      }
    } catch (error) {
      if (!(error instanceof AppError || error instanceof VendorError)) throw error;
      results.push({
        distributorCompanyId: item.distributorCompanyId,
        ok: false as const,
        message: error.message,
      });
    }
  }
  return results;
}

/** Binding a distributor company to a ConnectWise company, unbinding it, and creating one to bind. */
function companyBindings(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .post('/company-mappings', mayWrite(deps, 'writeAdditions'), zv('json', bindCompanySchema), async (c) => {
        const { distributorCompanyId, cwCompanyId } = c.req.valid('json');
        return c.json(await bind(await requestContext(deps, c), distributorCompanyId, cwCompanyId), 201);
      })
      /** What unbinding would affect, for the confirmation. */
      .get('/company-mappings/:id/impact', zv('param', mappingIdParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const mapping = await companyMappingById(ctx.db, ctx.scope, c.req.valid('param').id);
        if (!mapping) throw new AppError('not_found', 'No such company binding.');
        return c.json({ serviceMappings: await countServiceMappings(ctx.db, ctx.scope, mapping.id) }, 200);
      })
      .delete('/company-mappings/:id', mayWrite(deps, 'writeAdditions'), zv('param', mappingIdParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const result = await unbindCompany(ctx.db, ctx.scope, c.req.valid('param').id, ctx.now());
        if (!result) throw new AppError('not_found', 'No such company binding.');
        return c.json({ paused: result.paused }, 200);
      })
      /** Several companies bound or cleared at once; each row answers for itself. */
      .post('/company-mappings/bulk', mayWrite(deps, 'writeAdditions'), zv('json', bulkCompaniesSchema), async (c) => {
        const ctx = await requestContext(deps, c);
        return c.json({ results: await bindInBulk(ctx, c.req.valid('json').items) }, 200);
      })
      .put(
        '/company-mappings/:id/default-agreement',
        mayWrite(deps, 'writeAdditions'),
        zv('param', mappingIdParam),
        zv('json', z.object({ agreementId: z.nullable(z.number().check(z.int())) })),
        async (c) => {
          const ctx = await requestContext(deps, c);
          const mapping = await companyMappingById(ctx.db, ctx.scope, c.req.valid('param').id);
          if (!mapping) throw new AppError('not_found', 'No such company binding.');
          const { agreementId } = c.req.valid('json');
          // Only one of the bound company's own agreements can be its default.
          if (agreementId !== null) {
            const own = mapping.cwCompanyId === null ? [] : await ctx.cwAgreements(mapping.cwCompanyId);
            if (!own.some((a) => a.id === agreementId))
              throw invalidInput([
                {
                  field: 'json.agreementId',
                  message: `is not an agreement of ${mapping.cwCompanyName ?? 'this company'}`,
                },
              ]);
          }
          await setDefaultAgreement(ctx.db, ctx.scope, mapping.id, agreementId, ctx.now());
          return c.json({ ok: true }, 200);
        },
      )
      /** Creates the ConnectWise company for a distributor company that has none, after review, and binds it. */
      .post('/cw-companies', mayWrite(deps, 'createCompanies'), zv('json', newCompanySchema), async (c) => {
        const ctx = await requestContext(deps, c);
        const { distributorCompanyId, ...company } = c.req.valid('json');
        const theirs = (await ctx.distributorCompanies()).items.find((x) => x.id === distributorCompanyId);
        if (!theirs)
          throw new AppError('not_found', `${ctx.distributor.displayName} has no company ${distributorCompanyId}.`);
        const created = await auditedWrite(
          ctx.db,
          ctx.tenant.id,
          ctx.actor,
          {
            action: 'company.create',
            requestSummary: { method: 'POST', path: '/company/companies', body: company },
            companyName: company.name,
          },
          () => ctx.cw.companies.create({ ...company, site: { name: 'Main' } }),
        );
        ctx.invalidate('companies');
        const mapping = await bindCompany(
          ctx.db,
          ctx.scope,
          {
            distributorCompanyId,
            distributorCompanyName: theirs.name,
            cwCompanyId: created.id,
            cwCompanyName: created.name,
            by: ctx.by,
            // A company created just now has no agreements: earlier mappings go back to "choose".
            agreementIds: [],
          },
          ctx.now(),
        );
        return c.json(
          { company: { id: created.id, name: created.name, identifier: created.identifier }, mapping },
          201,
        );
      })
  );
}

/** Companies: the pages that list and suggest them, and the bindings between the two sides. */
export function companyRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().route('/', companyPages(deps)).route('/', companyBindings(deps));
}
