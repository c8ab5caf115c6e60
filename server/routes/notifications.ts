import { type Context, Hono } from 'hono';
import { getNotificationSettings, recentDigests, saveNotificationSettings } from '../../db/queries/notifications.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { type NotificationSettings, notificationSettingsSchema } from '../../shared/schemas/notifications.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError, invalidInput } from '../errors.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import { sendDigest } from '../notify/digest.ts';
import { ownCompanies } from '../notify/own-company.ts';
import { zv } from '../validate.ts';
import { type ApiDeps, requestContext } from './context.ts';

/** A ticket needs its board and company: refused by field before anything is saved. */
function mustBeComplete(s: NotificationSettings) {
  const fields: { field: string; message: string }[] = [];
  if (s.ticket.enabled && !s.ticket.boardId)
    fields.push({ field: 'ticket.boardId', message: 'choose the service board tickets are opened on' });
  if (s.ticket.enabled && !s.ticket.companyId)
    fields.push({ field: 'ticket.companyId', message: 'choose the company tickets are for (your own, in Manage)' });
  if (s.cadence !== 'off' && s.recipients.length === 0 && !s.ticket.enabled)
    fields.push({ field: 'recipients', message: 'add a recipient or turn on tickets, or set the digest to off' });
  if (fields.length) throw new AppError('invalid_input', 'The notification settings are not complete.', { fields });
}

/**
 * A ticket is opened by the API member on the company saved here, so the member saving it must
 * herself be allowed to open service tickets, and the company must be the MSP's own.
 */
async function mayOpenTickets(
  c: Context<AppEnv>,
  ctx: Awaited<ReturnType<typeof requestContext>>,
  settings: NotificationSettings,
) {
  if (!settings.ticket.enabled) return;
  const { permissions } = c.get('auth');
  if (!permissions.allowed.openTickets)
    throw new AppError('forbidden', permissions.reasons.openTickets ?? 'Your ConnectWise role may not open tickets.', {
      reason: 'role',
      action: 'openTickets',
      role: permissions.role,
    });
  const own = await ownCompanies(ctx.cw, ctx.tenant.companyId);
  if (!own.some((x) => x.id === settings.ticket.companyId))
    throw invalidInput([
      {
        field: 'ticket.companyId',
        message:
          'choose your own company from the list: the digest names every customer, so its ticket never goes on a customer',
      },
    ]);
}

/**
 * Notifications: who gets the digest, of what and how often, and the ConnectWise board its
 * ticket goes on; changed only by members allowed to change settings, with a test send.
 */
export function notificationRoutes(deps: ApiDeps) {
  const tests = createRateLimiter(3, 10 * 60_000);
  const digestDeps = (ctx: Awaited<ReturnType<typeof requestContext>>) => ({
    db: ctx.db,
    vendors: deps.vendors,
    clock: deps.clock,
    logger: deps.logger,
    mailer: deps.mailer,
  });
  return new Hono<AppEnv>()
    .get('/notification-settings', async (c) => {
      const ctx = await requestContext(deps, c);
      const [settings, digests] = await Promise.all([
        getNotificationSettings(ctx.db, ctx.tenant.id),
        recentDigests(ctx.db, ctx.tenant.id),
      ]);
      return c.json({ settings, digests, mailConfigured: deps.mailer?.configured ?? false }, 200);
    })
    .put(
      '/notification-settings',
      mayWrite(deps, 'changeSettings'),
      zv('json', notificationSettingsSchema),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const settings = c.req.valid('json');
        mustBeComplete(settings);
        await mayOpenTickets(c, ctx, settings);
        const saved = await saveNotificationSettings(ctx.db, ctx.tenant.id, settings, ctx.by, ctx.now());
        // A daily digest needs the daily job, even while scheduled sync is off.
        await deps.jobs.apply(ctx.tenant.id, await getSettings(ctx.db, ctx.tenant.id), settings.cadence === 'daily');
        return c.json(saved, 200);
      },
    )
    .post(
      '/notifications/test',
      mayWrite(deps, 'changeSettings'),
      zv('json', notificationSettingsSchema),
      async (c) => {
        const ctx = await requestContext(deps, c);
        const settings = c.req.valid('json');
        if (settings.recipients.length === 0 && !settings.ticket.enabled)
          throw new AppError('invalid_input', 'There is nobody to send a test to.', {
            fields: [{ field: 'recipients', message: 'add a recipient or turn on tickets first' }],
          });
        mustBeComplete({ ...settings, cadence: 'off' });
        await mayOpenTickets(c, ctx, settings);
        // A test goes out at most a few times a tenant in ten minutes: it mails and opens tickets.
        const wait = tests.hit(ctx.tenant.id);
        if (wait !== null) {
          c.header('Retry-After', String(wait));
          throw new AppError('rate_limited', `A test was sent just now; send another in ${wait} seconds.`, {
            retryAfterSeconds: wait,
          });
        }
        const outcome = await sendDigest(digestDeps(ctx), ctx.tenant, 'test', settings);
        return c.json(outcome, 200);
      },
    )
    .get('/service-boards', async (c) => {
      const ctx = await requestContext(deps, c);
      // The ticket's company is chosen beside its board, from the MSP's own companies only.
      const [boards, companies] = await Promise.all([
        ctx.cw.service.boards(),
        ownCompanies(ctx.cw, ctx.tenant.companyId),
      ]);
      return c.json(
        {
          boards: boards.map((b) => ({ id: b.id, name: b.name })),
          companies: companies.map((x) => ({ id: x.id, name: x.name })),
        },
        200,
      );
    });
}
