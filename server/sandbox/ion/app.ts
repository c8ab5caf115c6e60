import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { customerIdOf } from '../../distributors/ion/transform.ts';
import {
  ionCustomerSchema,
  ionOffsetPageSchema,
  ionReportCsvSchema,
  ionReportListSchema,
  ionSubscriptionSchema,
} from '../../distributors/ion/types.ts';
import { createControl, faultMiddleware, type SandboxControl } from '../faults.ts';
import { ION_REPORTS, reportCsv } from './reports.ts';
import type { IonWorld } from './world.ts';

export interface IonSandboxOptions {
  world: IonWorld;
  control?: SandboxControl;
  /** Ion's access tokens last two hours. */
  accessTokenLifetimeSeconds?: number;
  /** Ion's refresh tokens last 32 days, and each can be used once. */
  refreshTokenLifetimeSeconds?: number;
}

/**
 * Every record the sandbox serves is checked against the schema the adapter reads it with, so
 * the two cannot drift apart: a drift answers 500 with what failed, and the tests fail with it.
 */
function wire<T>(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, records: readonly T[]) {
  for (const r of records) {
    const parsed = schema.safeParse(r);
    if (!parsed.success) throw new Error(`sandbox answer drifted from the adapter's schema: ${String(parsed.error)}`);
  }
  return records;
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;

type Status = 400 | 401 | 403 | 404 | 500;

function ionError(c: Context, status: Status, code: string, message: string) {
  return c.json({ code, message, details: [] }, status);
}

/** Page tokens are opaque to clients; here they carry the next offset. */
const tokenFor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function offsetOf(token: string | undefined): number | null {
  if (!token) return 0;
  const match = Buffer.from(token, 'base64url')
    .toString()
    .match(/^o:(\d+)$/);
  return match ? Number(match[1]) : null;
}

/**
 * A StreamOne Ion v3 stand-in: the single-use refresh-token grant, bearer calls scoped to
 * the reseller account, token-paged lists, Ion's error bodies, and the shared faults.
 */
export function createIonSandbox(options: IonSandboxOptions) {
  const world = options.world;
  const control = options.control ?? createControl();
  const accessLifetime = options.accessTokenLifetimeSeconds ?? 7200;
  const refreshLifetime = options.refreshTokenLifetimeSeconds ?? 32 * 86_400;
  const accessTokens = new Map<string, number>();
  /** The most records one page of the subscription list holds, whatever is asked. */
  const paging = { limit: MAX_PAGE_SIZE };
  const refreshTokens = new Map<string, { expiresAt: number; used: boolean }>();
  refreshTokens.set(world.initialRefreshToken, { expiresAt: control.now() + refreshLifetime * 1000, used: false });

  /** What the portal's "Request New Credentials" does: a fresh refresh token for the account. */
  function issueRefreshToken(): string {
    const token = `ion-refresh-${randomBytes(18).toString('base64url')}`;
    refreshTokens.set(token, { expiresAt: control.now() + refreshLifetime * 1000, used: false });
    return token;
  }

  const app = new Hono();
  // The shared faults, on the token grant as on the API: a rule's path says which.
  const faults = faultMiddleware(control, {
    tooMany: (c, retryAfter) => {
      c.header('Retry-After', String(retryAfter ?? 1));
      return c.json({ code: 'RESOURCE_EXHAUSTED', message: 'Too many requests', details: [] }, 429);
    },
    failed: (c) => ionError(c, 500, 'INTERNAL', 'Internal error'),
  });
  app.use('/oauth/*', faults);
  app.post('/oauth/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const body: Record<string, unknown> = type.includes('application/json')
      ? ((await c.req.json().catch(() => ({}))) as Record<string, unknown>)
      : Object.fromEntries(Object.entries(await c.req.parseBody().catch(() => ({}))));
    if (body.grant_type !== 'refresh_token')
      return c.json({ error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' }, 400);
    const presented = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const known = refreshTokens.get(presented);
    if (!known) return c.json({ error: 'invalid_grant', error_description: 'Invalid refresh token' }, 400);
    if (known.used)
      return c.json({ error: 'invalid_grant', error_description: 'Refresh token has already been used' }, 400);
    if (known.expiresAt <= control.now())
      return c.json({ error: 'invalid_grant', error_description: 'Refresh token expired' }, 400);
    known.used = true;
    const access = randomBytes(24).toString('base64url');
    accessTokens.set(access, control.now() + accessLifetime * 1000);
    return c.json({
      access_token: access,
      token_type: 'Bearer',
      expires_in: accessLifetime,
      refresh_token: issueRefreshToken(),
    });
  });

  const v3 = new Hono();
  v3.use('*', faults);
  v3.use('*', async (c, next) => {
    const bearer = (c.req.header('Authorization') ?? '').match(/^Bearer\s+(.+)$/i)?.[1];
    const expires = bearer ? accessTokens.get(bearer) : undefined;
    if (!expires || expires <= control.now())
      return ionError(c, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials');
    await next();
  });
  v3.use('/accounts/:accountId/*', async (c, next) => {
    if (c.req.param('accountId') !== world.accountId)
      return ionError(c, 403, 'PERMISSION_DENIED', `No access to account ${c.req.param('accountId')}`);
    await next();
  });

  /** Ion's token paging: `pageSize` up to 100, and `nextPageToken` until the last page. */
  function paged<T>(c: Context, rows: readonly T[], key: string, envelope: (total: number) => object) {
    const size = Number(c.req.query('pageSize') ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      return ionError(c, 400, 'INVALID_ARGUMENT', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
    const offset = offsetOf(c.req.query('pageToken'));
    if (offset === null) return ionError(c, 400, 'INVALID_ARGUMENT', 'pageToken is not valid');
    const next = offset + size < rows.length ? tokenFor(offset + size) : '';
    return c.json({ [key]: rows.slice(offset, offset + size), nextPageToken: next, ...envelope(rows.length) });
  }
  const customer = (c: Context) => world.customers.find((x) => customerIdOf(x) === c.req.param('customerId'));
  const noCustomer = (c: Context) =>
    ionError(c, 404, 'NOT_FOUND', `Customer ${c.req.param('customerId')} was not found`);
  const subscriptionsPage = (c: Context, rows: IonWorld['subscriptions']) =>
    paged(c, wire(ionSubscriptionSchema, rows), 'items', (totalSize) => ({ paginationResponse: { totalSize } }));
  /**
   * The account's subscriptions page by `pagination.limit` (10 unless asked) and
   * `pagination.offset`, with `paginationResponse.totalSize` and no page token. A page is capped
   * at `paging.limit`, as a server that caps its pages does whatever it is asked.
   */
  function offsetPage(c: Context, rows: IonWorld['subscriptions']) {
    const limit = Number(c.req.query('pagination.limit') ?? DEFAULT_PAGE_SIZE);
    const offset = Number(c.req.query('pagination.offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
      return ionError(c, 400, 'INVALID_ARGUMENT', 'pagination.limit must be 1 or more, pagination.offset 0 or more');
    const size = Math.min(limit, paging.limit);
    const body = {
      items: wire(ionSubscriptionSchema, rows.slice(offset, offset + size)),
      paginationResponse: { totalSize: rows.length },
    };
    return c.json(wire(ionOffsetPageSchema, [body])[0]!);
  }

  v3.get('/accounts/:accountId/customers', (c) =>
    paged(c, wire(ionCustomerSchema, world.customers), 'customers', (totalSize) => ({ totalSize })),
  );
  v3.get('/accounts/:accountId/customers/:customerId', (c) => {
    const found = customer(c);
    return found ? c.json(found) : noCustomer(c);
  });
  v3.get('/accounts/:accountId/customers/:customerId/subscriptions', (c) => {
    if (!customer(c)) return noCustomer(c);
    return subscriptionsPage(
      c,
      world.subscriptions.filter((s) => s.customerId === c.req.param('customerId')),
    );
  });
  v3.get('/accounts/:accountId/customers/:customerId/subscriptions/:id', (c) => {
    if (!customer(c)) return noCustomer(c);
    const found = world.subscriptions.find(
      (s) => s.id === c.req.param('id') && s.customerId === c.req.param('customerId'),
    );
    return found ? c.json(found) : ionError(c, 404, 'NOT_FOUND', `Subscription ${c.req.param('id')} was not found`);
  });
  // Every subscription of the account, for readers that want them all without a call per customer.
  v3.get('/accounts/:accountId/subscriptions', (c) => {
    const { customerId, subscriptionStatus: status } = c.req.query();
    return offsetPage(
      c,
      world.subscriptions.filter(
        (s) => (!customerId || s.customerId === customerId) && (!status || s.subscriptionStatus === status),
      ),
    );
  });
  v3.get('/accounts/:accountId/products', (c) => {
    const name = c.req.query('filter.name')?.toLowerCase();
    return paged(
      c,
      world.products.filter((p) => !name || p.displayName.toLowerCase().includes(name)),
      'products',
      (totalSize) => ({ totalSize }),
    );
  });
  v3.get('/accounts/:accountId/products/:productId', (c) => {
    const found = world.products.find((p) => p.id === c.req.param('productId'));
    return found ? c.json(found) : ionError(c, 404, 'NOT_FOUND', `Product ${c.req.param('productId')} was not found`);
  });
  v3.get('/accounts/:accountId/reports', (c) => c.json(wire(ionReportListSchema, [{ reports: ION_REPORTS }])[0]!));
  // A report's data is asked for by POST, for a date range, and comes back as CSV.
  v3.post('/accounts/:accountId/reports/:reportId/reportDataCsv', async (c) => {
    const body = (await c.req.json().catch(() => null)) as {
      specs?: {
        date_range_option?: { selected_range?: { fixed_date_range?: { start_date?: string; end_date?: string } } };
      };
    } | null;
    const range = body?.specs?.date_range_option?.selected_range?.fixed_date_range;
    const day = (d: string | undefined) => (d && /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : undefined);
    const from = day(range?.start_date);
    const to = day(range?.end_date);
    if (!from || !to)
      return ionError(c, 400, 'INVALID_ARGUMENT', 'specs.date_range_option.selected_range needs a fixed_date_range');
    const results = reportCsv(world, c.req.param('reportId'), from, to);
    if (results === undefined) return ionError(c, 404, 'NOT_FOUND', `Report ${c.req.param('reportId')} was not found`);
    return c.json(wire(ionReportCsvSchema, [{ results }])[0]!);
  });
  v3.notFound((c) => ionError(c, 404, 'NOT_FOUND', `No resource at ${c.req.path}`));
  app.route('/api/v3', v3);

  return { app, control, world, issueRefreshToken, paging };
}

export type IonSandbox = ReturnType<typeof createIonSandbox>;
