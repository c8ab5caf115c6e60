import { Hono } from 'hono';
import { getNotificationSettings, recentDigests, saveNotificationSettings } from '../../db/queries/notifications.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { type NotificationSettings, notificationSettingsSchema } from '../../shared/schemas/notifications.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { sendDigest } from '../notify/digest.ts';
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
 * Notifications: who gets the digest, of what and how often, and the ConnectWise board its
 * ticket goes on; changed only by members allowed to change settings, with a test send.
 */
export function notificationRoutes(deps: ApiDeps) {
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
        const outcome = await sendDigest(digestDeps(ctx), ctx.tenant, 'test', settings);
        return c.json(outcome, 200);
      },
    )
    .get('/service-boards', async (c) => {
      const ctx = await requestContext(deps, c);
      // The ticket's company is chosen beside its board: usually the MSP's own company in Manage.
      const [boards, companies] = await Promise.all([ctx.cw.service.boards(), ctx.cwCompanies()]);
      return c.json(
        {
          boards: boards.map((b) => ({ id: b.id, name: b.name })),
          companies: companies.map((x) => ({ id: x.id, name: x.name })),
        },
        200,
      );
    });
}
