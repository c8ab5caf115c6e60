import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { sophosUsageSchema } from '../../distributors/sophos/types.ts';
import { createControl, faultMiddleware, type SandboxControl } from '../faults.ts';
import type { SophosWorld } from './world.ts';

export interface SophosSandboxOptions {
  world: SophosWorld;
  control?: SandboxControl;
  /** Where partner calls go: whoami names it as the partner's global API host. */
  apiHost: () => string;
}

const MAX_PAGE_SIZE = 100;
/** Key-paged lists take pages of up to 1000. */
const MAX_KEYED_PAGE_SIZE = 1000;

/** Every item served is checked against the schema the adapter reads it with: a drift fails loudly. */
function wire<T>(items: T[]): T[] {
  for (const item of items) sophosUsageSchema.parse(item);
  return items;
}
const DEFAULT_PAGE_SIZE = 50;

type Status = 400 | 401 | 403 | 404 | 429 | 500;

/** Sophos Central's error body. */
function sophosError(c: Context, status: Status, error: string, message: string) {
  return c.json(
    {
      error,
      message,
      correlationId: randomBytes(8).toString('hex'),
      requestId: randomBytes(8).toString('hex'),
      createdAt: new Date().toISOString(),
    },
    status,
  );
}

/**
 * A Sophos Central stand-in: the client-credentials grant at `/api/v2/oauth2/token`, `whoami`
 * (the partner's id and API host), and the partner calls with `X-Partner-ID`: tenants,
 * page-numbered from 1 with `pageTotal=true` giving the total, and a month's billing usage,
 * paged by key (`pageFromKey`, `pages.nextKey`).
 */
export function createSophosSandbox(options: SophosSandboxOptions) {
  const world = options.world;
  const control = options.control ?? createControl();
  const tokens = new Map<string, number>();
  /** The most usage items one page holds, whatever is asked. */
  const paging = { limit: MAX_KEYED_PAGE_SIZE };
  const app = new Hono();

  app.post('/api/v2/oauth2/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'token')
      return c.json(
        { errorCode: 'oauth.invalid_request', message: 'grant_type client_credentials and scope token are required' },
        400,
      );
    if (form.get('client_id') !== world.clientId || form.get('client_secret') !== world.clientSecret)
      return c.json({ errorCode: 'oauth.invalid_client_secret', message: 'Invalid client credentials' }, 401);
    const token = `sophos-${randomBytes(18).toString('base64url')}`;
    tokens.set(token, control.now() + 3600 * 1000);
    return c.json({
      access_token: token,
      refresh_token: randomBytes(12).toString('hex'),
      token_type: 'bearer',
      message: 'OK',
      errorCode: 'success',
      expires_in: 3600,
      trackingId: randomBytes(8).toString('hex'),
    });
  });

  const api = new Hono();
  api.use(
    '*',
    faultMiddleware(control, {
      tooMany: (c, retryAfter) => {
        c.header('Retry-After', String(retryAfter ?? 1));
        return sophosError(c, 429, 'tooManyRequests', 'Too many requests');
      },
      failed: (c) => sophosError(c, 500, 'internalServerError', 'Internal server error'),
    }),
  );
  api.use('*', async (c, next) => {
    const bearer = (c.req.header('Authorization') ?? '').match(/^Bearer\s+(.+)$/i)?.[1];
    const expires = bearer ? tokens.get(bearer) : undefined;
    if (!expires || expires <= control.now()) return sophosError(c, 401, 'unauthorized', 'Invalid or expired token');
    await next();
  });
  api.get('/whoami/v1', (c) =>
    c.json({ id: world.partnerId, idType: 'partner', apiHosts: { global: options.apiHost() } }),
  );
  api.use('/partner/*', async (c, next) => {
    if (c.req.header('X-Partner-ID') !== world.partnerId)
      return sophosError(c, 403, 'forbidden', 'X-Partner-ID does not match the caller');
    await next();
  });

  /** Page-numbered lists: `page` from 1, `pageSize` up to 100, the total only with `pageTotal=true`. */
  function paged<T>(c: Context, rows: readonly T[]) {
    const page = Number(c.req.query('page') ?? 1);
    const size = Number(c.req.query('pageSize') ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(page) || page < 1) return sophosError(c, 400, 'badRequest', 'page must be 1 or more');
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      return sophosError(c, 400, 'badRequest', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
    const total = Math.max(1, Math.ceil(rows.length / size));
    const withTotal = c.req.query('pageTotal') === 'true';
    return c.json({
      pages: { current: page, size, maxSize: MAX_PAGE_SIZE, ...(withTotal ? { total, items: rows.length } : {}) },
      items: rows.slice((page - 1) * size, page * size),
    });
  }

  /**
   * Key-paged lists (billing usage): the first page, then `pageFromKey` from the answer's
   * `pages.nextKey`. A `page` number is ignored, as a key-paged endpoint ignores it: asking
   * for page 2 answers page 1 again.
   */
  function keyPaged<T>(c: Context, rows: readonly T[]) {
    const size = Number(c.req.query('pageSize') ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(size) || size < 1 || size > MAX_KEYED_PAGE_SIZE)
      return sophosError(c, 400, 'badRequest', `pageSize must be between 1 and ${MAX_KEYED_PAGE_SIZE}`);
    const key = c.req.query('pageFromKey');
    const from = key ? Number(Buffer.from(key, 'base64url').toString().replace(/^k:/, '')) : 0;
    if (!Number.isInteger(from) || from < 0) return sophosError(c, 400, 'badRequest', 'pageFromKey is not valid');
    const take = Math.min(size, paging.limit);
    const next = from + take < rows.length ? Buffer.from(`k:${from + take}`).toString('base64url') : undefined;
    const withTotal = c.req.query('pageTotal') === 'true';
    return c.json({
      pages: {
        size,
        maxSize: MAX_KEYED_PAGE_SIZE,
        ...(withTotal ? { total: Math.max(1, Math.ceil(rows.length / size)), items: rows.length } : {}),
        ...(next ? { fromKey: key ?? null, nextKey: next } : {}),
      },
      items: rows.slice(from, from + take),
    });
  }

  api.get('/partner/v1/tenants', (c) => paged(c, world.tenants));
  api.get('/partner/v1/billing/usage/:year/:month', (c) => {
    const year = Number(c.req.param('year'));
    const month = Number(c.req.param('month'));
    if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12)
      return sophosError(c, 400, 'badRequest', 'year and month must be a year and a month number');
    return keyPaged(
      c,
      wire(
        world.usage.filter((u) => u.year === year && u.month === month).map(({ year: _y, month: _m, ...item }) => item),
      ),
    );
  });
  api.notFound((c) => sophosError(c, 404, 'notFound', `No resource at ${c.req.path}`));
  app.route('/', api);
  return { app, control, world, paging };
}

export type SophosSandbox = ReturnType<typeof createSophosSandbox>;
