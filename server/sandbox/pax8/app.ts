import { randomBytes, randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { pax8InvoiceItemSchema } from '../../distributors/pax8/types.ts';
import { createControl, faultMiddleware, type SandboxControl } from '../faults.ts';
import type { Pax8CompanyRecord, Pax8SubscriptionRecord, Pax8World } from '../world.ts';

/**
 * The quirks client authors have seen from the live API, each switchable so the client can
 * be tested against every one of them.
 */
export interface Pax8Quirks {
  /** Every `missingQuantityEvery`-th subscription (by position) is served without `quantity`. */
  missingQuantityEvery: number;
  /** `startDate`/`endDate` as bare dates (`2020-12-03`). */
  dateOnly: boolean;
  /** `createdDate`/`updatedDate` with a colon-less offset (`2020-12-10T03:12:14.453-0300`). */
  colonlessOffset: boolean;
  /** `commitment` instead of the spec's `commitmentTerm`. */
  commitmentRenamed: boolean;
  /** Enum values as the spec writes them (lower case) instead of as live answers do. */
  lowerCaseEnums: boolean;
}

export const NO_QUIRKS: Pax8Quirks = {
  missingQuantityEvery: 0,
  dateOnly: false,
  colonlessOffset: false,
  commitmentRenamed: false,
  lowerCaseEnums: false,
};

export interface Pax8SandboxOptions {
  world: Pax8World;
  quirks?: Partial<Pax8Quirks>;
  control?: SandboxControl;
  tokenLifetimeSeconds?: number;
}

const MAX_SIZE = 200;

function pax8Error(c: Context, status: 400 | 401 | 403 | 404 | 422 | 500, type: string, message: string) {
  return c.json({ type, message, instance: c.req.path, status, details: [] }, status);
}

/** `2020-12-10T06:12:14.453Z` → `2020-12-10T03:12:14.453-0300` (same instant). */
function colonless(isoInstant: string): string {
  const d = new Date(Date.parse(isoInstant) - 3 * 3600_000);
  return `${d.toISOString().replace('Z', '')}-0300`;
}

function serveSubscription(s: Pax8SubscriptionRecord, index: number, q: Pax8Quirks): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  if (q.missingQuantityEvery > 0 && index % q.missingQuantityEvery === q.missingQuantityEvery - 1) delete out.quantity;
  if (q.dateOnly) {
    out.startDate = s.startDate.slice(0, 10);
    out.endDate = s.endDate?.slice(0, 10) ?? null;
  }
  if (q.colonlessOffset) {
    out.createdDate = colonless(s.createdDate);
    out.updatedDate = colonless(s.updatedDate);
  }
  if (q.commitmentRenamed) {
    out.commitment = out.commitmentTerm;
    delete out.commitmentTerm;
  }
  if (q.lowerCaseEnums) {
    out.status = s.status.toLowerCase();
    out.billingTerm = s.billingTerm.toLowerCase();
  }
  return out;
}

/** A Pax8 Partner API stand-in: token, paged lists, single-resource lists, errors and quirks. */
export function createPax8Sandbox(options: Pax8SandboxOptions) {
  const world = options.world;
  const quirks: Pax8Quirks = { ...NO_QUIRKS, ...options.quirks };
  const control = options.control ?? createControl();
  const tokens = new Map<string, number>();
  const lifetime = options.tokenLifetimeSeconds ?? 86_400;
  const app = new Hono();

  app.post('/oauth/token', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials')
      return c.json(
        { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' },
        400,
      );
    if (body.client_id !== world.clientId || body.client_secret !== world.clientSecret) {
      return c.json({ error: 'access_denied', error_description: 'Unauthorized' }, 401);
    }
    if (body.audience !== 'https://api.pax8.com' && body.audience !== 'api://p8p.client') {
      return c.json({ error: 'access_denied', error_description: 'Service not found: unknown audience' }, 403);
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + lifetime * 1000);
    return c.json({ access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  });

  const v1 = new Hono();
  v1.use(
    '*',
    faultMiddleware(control, {
      // Pax8 documents its 429 without Retry-After: the header is sent only when a rule names it.
      tooMany: (c, retryAfter) => {
        if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
        return c.json(
          { type: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded', instance: c.req.path, status: 429, details: [] },
          429,
        );
      },
      failed: (c) => pax8Error(c, 500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred'),
    }),
  );
  v1.use('*', async (c, next) => {
    const bearer = (c.req.header('Authorization') ?? '').match(/^Bearer\s+(.+)$/i)?.[1];
    const expires = bearer ? tokens.get(bearer) : undefined;
    if (!expires || expires < Date.now())
      return pax8Error(c, 401, 'UNAUTHORIZED', 'Full authentication is required to access this resource');
    await next();
  });

  /** Pax8's page envelope; `size` above 200 is refused rather than silently cut. */
  function paged<T>(c: Context, rows: readonly T[], serve: (row: T) => unknown = (row) => row) {
    const page = Number(c.req.query('page') ?? 0);
    const size = Number(c.req.query('size') ?? 10);
    if (!Number.isInteger(page) || page < 0)
      return pax8Error(c, 400, 'BAD_REQUEST', 'page must be a whole number from 0');
    if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE)
      return pax8Error(c, 400, 'BAD_REQUEST', `size must be between 1 and ${MAX_SIZE}`);
    return c.json({
      content: rows.slice(page * size, (page + 1) * size).map(serve),
      page: { size, totalElements: rows.length, totalPages: Math.ceil(rows.length / size), number: page },
    });
  }
  const notFound = (c: Context, what: string) =>
    pax8Error(c, 404, 'NOT_FOUND', `${what} ${c.req.param('id')} not found`);
  const eqi = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();

  v1.get('/companies', (c) => paged(c, world.companies));
  // Creating a company: name, a full address, phone and website are required, as Pax8 requires them.
  v1.post('/companies', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return pax8Error(c, 400, 'BAD_REQUEST', 'The request body is not JSON');
    const address = (body.address ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const required: [string, unknown][] = [
      ['name', body.name],
      ['address.street', address.street],
      ['address.city', address.city],
      ['address.stateOrProvince', address.stateOrProvince],
      ['address.postalCode', address.postalCode],
      ['address.country', address.country],
      ['phone', body.phone],
      ['website', body.website],
    ];
    const details = required.filter(([, v]) => !text(v)).map(([field]) => ({ field, message: 'must not be blank' }));
    if (text(address.country) && !/^[A-Z]{2}$/.test(text(address.country)))
      details.push({ field: 'address.country', message: 'must be a two-letter ISO country code, e.g. US' });
    if (details.length > 0)
      return c.json(
        { type: 'UNPROCESSABLE_ENTITY', message: 'Validation failed', instance: c.req.path, status: 422, details },
        422,
      );
    if (world.companies.some((x) => x.name.toLowerCase() === text(body.name).toLowerCase()))
      return pax8Error(c, 422, 'UNPROCESSABLE_ENTITY', `A company named ${text(body.name)} already exists`);
    const company: Pax8CompanyRecord = {
      id: randomUUID(),
      name: text(body.name),
      address: {
        street: text(address.street),
        street2: text(address.street2) || null,
        city: text(address.city),
        stateOrProvince: text(address.stateOrProvince),
        postalCode: text(address.postalCode),
        country: text(address.country),
      },
      phone: text(body.phone),
      website: text(body.website),
      externalId: text(body.externalId) || null,
      billOnBehalfOfEnabled: body.billOnBehalfOfEnabled === true,
      selfServiceAllowed: body.selfServiceAllowed === true,
      orderApprovalRequired: body.orderApprovalRequired === true,
      status: 'Active',
      updatedDate: new Date().toISOString(),
    };
    world.companies.push(company);
    return c.json(company);
  });
  v1.get('/companies/:id', (c) => {
    const company = world.companies.find((x) => x.id === c.req.param('id'));
    return company ? c.json(company) : notFound(c, 'Company');
  });

  v1.get('/products', (c) => {
    const search = c.req.query('search')?.toLowerCase();
    const vendor = c.req.query('vendorName');
    const rows = world.products
      .filter((p) => !search || p.name.toLowerCase().includes(search) || p.sku.toLowerCase().includes(search))
      .filter((p) => eqi(vendor, p.vendorName))
      .map(({ description: _d, ...p }) => p);
    return paged(c, rows);
  });
  v1.get('/products/:id', (c) => {
    const product = world.products.find((x) => x.id === c.req.param('id'));
    return product ? c.json(product) : notFound(c, 'Product');
  });
  v1.get('/products/:id/pricing', (c) => {
    if (!world.products.some((p) => p.id === c.req.param('id'))) return notFound(c, 'Product');
    return c.json({ content: world.pricing.filter((p) => p.productId === c.req.param('id')) });
  });

  v1.get('/subscriptions', (c) => {
    const q = c.req.query();
    const rows = world.subscriptions
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => (!q.companyId || s.companyId === q.companyId) && (!q.productId || s.productId === q.productId))
      .filter(({ s }) => eqi(q.status, s.status) && eqi(q.billingTerm, s.billingTerm));
    // Only the page being answered is shaped, as a real paged query would.
    return paged(c, rows, ({ s, i }) => serveSubscription(s, i, quirks));
  });
  v1.get('/subscriptions/:id', (c) => {
    const index = world.subscriptions.findIndex((x) => x.id === c.req.param('id'));
    return index < 0
      ? notFound(c, 'Subscription')
      : c.json(serveSubscription(world.subscriptions[index]!, index, quirks));
  });
  v1.get('/subscriptions/:id/history', (c) => {
    const history = world.history[c.req.param('id')];
    if (!history) return notFound(c, 'Subscription');
    const index = world.subscriptions.findIndex((x) => x.id === c.req.param('id'));
    return c.json({ content: history.map((h) => serveSubscription(h, index, { ...quirks, missingQuantityEvery: 0 })) });
  });
  v1.get('/subscriptions/:id/usage-summaries', (c) => {
    if (!world.subscriptions.some((s) => s.id === c.req.param('id'))) return notFound(c, 'Subscription');
    return paged(
      c,
      world.usageSummaries.filter((u) => u.subscriptionId === c.req.param('id')),
    );
  });
  v1.get('/usage-summaries/:id/usage-lines', (c) => {
    const date = c.req.query('usageDate');
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      return pax8Error(c, 400, 'BAD_REQUEST', 'usageDate must be yyyy-MM-dd');
    if (!world.usageSummaries.some((u) => u.id === c.req.param('id'))) return notFound(c, 'Usage summary');
    return paged(
      c,
      world.usageLines.filter((l) => l.usageSummaryId === c.req.param('id') && (!date || l.usageDate === date)),
    );
  });

  v1.get('/invoices', (c) => {
    const { invoiceDateRangeStart: from, invoiceDateRangeEnd: to, companyId } = c.req.query();
    const rows = world.invoices
      .filter((i) => (!from || i.invoiceDate >= from) && (!to || i.invoiceDate <= to))
      .filter((i) => !companyId || i.companyIds.includes(companyId))
      .map(({ companyIds: _c, ...i }) => i);
    return paged(c, rows);
  });
  v1.get('/invoices/:id/items', (c) => {
    if (!world.invoices.some((i) => i.id === c.req.param('id'))) return notFound(c, 'Invoice');
    const items = world.invoiceItems.filter((i) => i.invoiceId === c.req.param('id'));
    // Served only as the adapter reads them: a drift between the two fails here, loudly.
    for (const item of items) pax8InvoiceItemSchema.parse(item);
    return paged(c, items);
  });
  v1.notFound((c) => pax8Error(c, 404, 'NOT_FOUND', `No resource at ${c.req.path}`));
  app.route('/v1', v1);

  return { app, control, world, quirks };
}

export type Pax8Sandbox = ReturnType<typeof createPax8Sandbox>;
