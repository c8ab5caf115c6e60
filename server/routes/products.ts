import { Hono } from 'hono';
import { z } from 'zod/mini';
import { bindProduct, listProductMappings, unbindProduct } from '../../db/queries/mappings.ts';
import { isUsage } from '../../shared/billing/usage/plan.ts';
import { amountToCents, centsToAmount, microsToCents } from '../../shared/money.ts';
import { bindProductSchema, exportProductSchema, type MappingStatus } from '../../shared/schemas/mapping.ts';
import { auditedWrite } from '../audit.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { where } from '../connectwise/conditions.ts';
import { AppError } from '../errors.ts';
import { uuidParam, zv } from '../validate.ts';
import { type ApiDeps, type RequestContext, requestContext } from './context.ts';

const productParam = z.object({ id: z.string().check(z.minLength(1)) });

export interface ProductRow {
  distributorProductId: string;
  subProduct: string;
  name: string;
  vendorName: string;
  sku: string | null;
  usage: boolean;
  subscriptions: number;
  status: MappingStatus;
  mappingId: string | null;
  cwCatalogItemId: number | null;
  cwCatalogIdentifier: string | null;
  /** Whether its usage is synced: off until bound, and a member may turn it off. */
  usageSync: boolean;
  /** Markup over cost for its usage, in hundredths of a percent. */
  markupBp: number | null;
}

async function productName(ctx: RequestContext, id: string): Promise<string> {
  const fromCatalog = (await ctx.distributorProducts()).items.find((p) => p.id === id)?.name;
  const fromSubs = (await ctx.distributorSubscriptions()).items.find((s) => s.productId === id)?.productName;
  // A product ordered since the lists were cached: ask the distributor for its subscriptions directly.
  const fresh =
    (fromCatalog ?? fromSubs)
      ? undefined
      : (await ctx.distributor.subscriptions({ productId: id })).items[0]?.productName;
  const name = fromCatalog ?? fromSubs ?? fresh;
  if (!name)
    throw new AppError('not_found', `${ctx.distributor.displayName} has no product ${id}.`, {
      field: 'distributorProductId',
    });
  return name;
}

/** Sub-products of a usage product, as its distributor names them for the tenant's subscriptions. */
async function subProducts(ctx: RequestContext, productId: string): Promise<string[]> {
  const subs = (await ctx.distributorSubscriptions()).items.filter((s) => s.productId === productId);
  // A distributor that bills products whole names none: the product binds as one.
  return (await ctx.distributor.subProducts?.(subs, ctx.today)) ?? [];
}

/** Binds a distributor product (or one of its sub-products) to a catalog item, as the member. */
const bindTo = (
  ctx: RequestContext,
  input: { distributorProductId: string; subProduct: string },
  name: string,
  item: { id: number; identifier: string },
) =>
  bindProduct(
    ctx.db,
    ctx.scope,
    {
      distributorProductId: input.distributorProductId,
      subProduct: input.subProduct,
      distributorProductName: input.subProduct || name,
      cwCatalogItemId: item.id,
      cwCatalogIdentifier: item.identifier,
      by: ctx.by,
    },
    ctx.now(),
  );

/** The distributor's products with their bindings, sub-products and prices, and ConnectWise's catalog. */
function productListRoutes(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      /** The products page: products the tenant's subscriptions use, and any already mapped, with status. */
      .get('/products', async (c) => {
        const ctx = await requestContext(deps, c);
        const [subs, catalog, mappings] = await Promise.all([
          ctx.distributorSubscriptions(),
          ctx.distributorProducts(),
          listProductMappings(ctx.db, ctx.scope),
        ]);
        const info = new Map(catalog.items.map((p) => [p.id, p]));
        const inUse = new Map<string, { name: string; count: number; usage: boolean }>();
        for (const s of subs.items) {
          const entry = inUse.get(s.productId) ?? {
            name: s.productName || info.get(s.productId)?.name || s.productId,
            count: 0,
            usage: true,
          };
          entry.count++;
          entry.usage &&= isUsage(s);
          inUse.set(s.productId, entry);
        }
        for (const m of mappings)
          if (!inUse.has(m.distributorProductId))
            inUse.set(m.distributorProductId, { name: m.distributorProductName, count: 0, usage: m.subProduct !== '' });
        const rows: ProductRow[] = [];
        for (const [id, p] of inUse) {
          const keys = new Set(['', ...mappings.filter((m) => m.distributorProductId === id).map((m) => m.subProduct)]);
          for (const subProduct of keys) {
            const m = mappings.find((x) => x.distributorProductId === id && x.subProduct === subProduct);
            rows.push({
              distributorProductId: id,
              subProduct,
              name: subProduct || p.name,
              vendorName: info.get(id)?.vendorName ?? '',
              sku: info.get(id)?.sku ?? null,
              usage: p.usage,
              subscriptions: subProduct ? 0 : p.count,
              status: m?.status === 'mapped' ? 'mapped' : m?.status === 'failed' ? 'failed' : 'unmapped',
              mappingId: m?.id ?? null,
              cwCatalogItemId: m?.status === 'mapped' ? (m.cwCatalogItemId ?? null) : null,
              cwCatalogIdentifier: m?.status === 'mapped' ? (m.cwCatalogIdentifier ?? null) : null,
              usageSync: m?.status === 'mapped' && m.usageSync,
              markupBp: m?.markupBp ?? null,
            });
          }
        }
        rows.sort((a, b) => a.name.localeCompare(b.name) || a.subProduct.localeCompare(b.subProduct));
        const parents = rows.filter((r) => r.subProduct === '');
        const counts = {
          all: parents.length,
          mapped: parents.filter((r) => r.status === 'mapped').length,
          unmapped: parents.filter((r) => r.status === 'unmapped').length,
          failed: parents.filter((r) => r.status === 'failed').length,
        };
        return c.json({ rows, counts }, 200);
      })
      .get('/products/:id/sub-products', zv('param', productParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const id = c.req.valid('param').id;
        const [found, mappings] = await Promise.all([
          deps.cache.get(`${ctx.tenant.id}:${ctx.kind}:subproducts:${id}`, () => subProducts(ctx, id)),
          listProductMappings(ctx.db, ctx.scope),
        ]);
        const known = new Set([
          ...found,
          ...mappings.filter((m) => m.distributorProductId === id && m.subProduct).map((m) => m.subProduct),
        ]);
        return c.json([...known].sort(), 200);
      })
      /** Prices per billing term, to prefill the export form. */
      .get('/products/:id/pricing', zv('param', productParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const pricing = await ctx.distributorPricing(c.req.valid('param').id);
        return c.json(
          pricing.items.map((p) => ({
            billingTerm: p.billingTerm,
            unit: p.unit,
            unitCost: microsToCents(p.unitCost),
            unitPrice: microsToCents(p.unitPrice),
            usage: p.usage,
          })),
          200,
        );
      })
      /** Catalog search over description, identifier, manufacturer part number and vendor SKU. */
      .get('/catalog', zv('query', z.object({ q: z._default(z.string(), '') })), async (c) => {
        const ctx = await requestContext(deps, c);
        const q = c.req.valid('query').q.trim();
        const text = q
          ? where.or(
              ...['description', 'identifier', 'manufacturerPartNumber', 'vendorSku'].map((f) =>
                where.like(f, `%${q.replace(/%/g, '')}%`),
              ),
            )
          : undefined;
        const items = await ctx.cw.catalog.search({
          conditions: where.and(where.eq('inactiveFlag', false), text),
          orderBy: 'description asc',
          maxRecords: 50,
        });
        return c.json(
          items.map((i) => ({
            id: i.id,
            identifier: i.identifier,
            description: i.description,
            productClass: i.productClass ?? null,
            vendorSku: i.vendorSku ?? null,
            priceCents: i.price == null ? null : amountToCents(i.price),
            costCents: i.cost == null ? null : amountToCents(i.cost),
          })),
          200,
        );
      })
      .get('/catalog/setup', async (c) => c.json(await (await requestContext(deps, c)).catalogSetup(), 200))
  );
}

/** Binding a product to a catalog item, unbinding it, and exporting one to ConnectWise's catalog. */
function productBindingRoutes(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .post('/product-mappings', mayWrite(deps, 'writeAdditions'), zv('json', bindProductSchema), async (c) => {
        const ctx = await requestContext(deps, c);
        const input = c.req.valid('json');
        const name = await productName(ctx, input.distributorProductId);
        const item = await ctx.cw.catalog.get(input.cwCatalogItemId);
        if (item.productClass === 'Bundle')
          throw new AppError(
            'invalid_input',
            `${item.identifier} is a bundle; ConnectWise cannot add bundles to agreements.`,
            { fields: [{ field: 'cwCatalogItemId', message: 'bundles cannot be agreement additions' }] },
          );
        const mapping = await bindTo(ctx, input, name, item);
        return c.json(mapping, 201);
      })
      .delete('/product-mappings/:id', mayWrite(deps, 'writeAdditions'), zv('param', uuidParam), async (c) => {
        const ctx = await requestContext(deps, c);
        const row = await unbindProduct(ctx.db, ctx.scope, c.req.valid('param').id, ctx.now());
        if (!row) throw new AppError('not_found', 'No such product binding.');
        return c.json(row, 200);
      })
      /** Exports a distributor's product as a new, white-labelled catalog item, then binds it. */
      .post('/catalog-items', mayWrite(deps, 'exportProducts'), zv('json', exportProductSchema), async (c) => {
        const ctx = await requestContext(deps, c);
        const input = c.req.valid('json');
        const name = await productName(ctx, input.distributorProductId);
        const body = {
          identifier: input.identifier,
          description: input.description,
          customerDescription: input.customerDescription,
          subcategory: { id: input.subcategoryId },
          type: { id: input.typeId },
          ...(input.categoryId ? { category: { id: input.categoryId } } : {}),
          productClass: input.productClass,
          price: centsToAmount(input.priceCents),
          cost: centsToAmount(input.costCents),
          ...(input.unitOfMeasureId ? { unitOfMeasure: { id: input.unitOfMeasureId } } : {}),
          ...(input.vendorSku ? { vendorSku: input.vendorSku, manufacturerPartNumber: input.vendorSku } : {}),
          taxableFlag: input.taxable,
        };
        const item = await auditedWrite(
          ctx.db,
          ctx.tenant.id,
          ctx.actor,
          {
            action: 'catalog.create',
            requestSummary: { method: 'POST', path: '/procurement/catalog', body },
            productName: input.subProduct || name,
          },
          () => ctx.cw.catalog.create(body),
        );
        const mapping = await bindTo(ctx, input, name, item);
        return c.json(
          { item: { id: item.id, identifier: item.identifier, description: item.description }, mapping },
          201,
        );
      })
  );
}

export function productRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>().route('/', productListRoutes(deps)).route('/', productBindingRoutes(deps));
}
