import { Hono } from 'hono';
import { z } from 'zod/mini';
import { companyMappingByCw } from '../../db/queries/mappings.ts';
import { getNotificationSettings } from '../../db/queries/notifications.ts';
import { getSettings, saveSettings, settingsHistory } from '../../db/queries/settings.ts';
import { memberAuthenticationSchema, type RecordSummary, recordParamsSchema } from '../../shared/schemas/session.ts';
import { type TenantSettingsView, tenantSettingsSchema } from '../../shared/schemas/settings.ts';
import { mayWrite } from '../auth/guard.ts';
import { type AppEnv, createMemberSession, memberCw, requireSession } from '../auth/session.ts';
import { AppError, invalidInput } from '../errors.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import { clientAddressOf, createSignInLimit, trustedProxies } from '../http/sign-in-limit.ts';
import { zv } from '../validate.ts';
import { adjustmentRoutes } from './adjustments.ts';
import { commitmentRoutes } from './commitments.ts';
import { companyRoutes } from './companies.ts';
import { connectionRoutes } from './connections.ts';
import type { ApiDeps } from './context.ts';
import { distributorCompanyRoutes } from './distributor-companies.ts';
import { historyRoutes } from './history.ts';
import { importRoutes } from './imports.ts';
import { notificationRoutes } from './notifications.ts';
import { planRoutes } from './plans.ts';
import { productRoutes } from './products.ts';
import { reconciliationRoutes } from './reconciliations.ts';
import { serviceRoutes } from './services.ts';
import { syncRoutes } from './sync.ts';
import { usageRoutes } from './usage.ts';

/** Signing in: the only route without a session, paced per client address. */
function signInRoutes(deps: ApiDeps) {
  // Sign-ins are paced before any ConnectWise call, per client address: every attempt (a
  // ceiling on what one address may cost in ConnectWise calls), and failures with a growing
  // wait. Nothing is counted per instance, so strangers cannot lock members out.
  const perClient = createRateLimiter(30, 60_000);
  const failures = createSignInLimit();
  const proxies = trustedProxies(deps.trustProxy ?? []);
  return new Hono<AppEnv>().post('/session', zv('json', memberAuthenticationSchema), async (c) => {
    const claim = c.req.valid('json');
    const client = clientAddressOf(socketAddress(c), c.req.header('x-forwarded-for'), proxies);
    const wait = failures.wait(client) ?? perClient.hit(client);
    if (wait !== null) {
      c.header('Retry-After', String(wait));
      throw new AppError('rate_limited', `Too many sign-in attempts. Try again in ${wait} seconds.`, {
        retryAfterSeconds: wait,
      });
    }
    try {
      const session = await createMemberSession(deps, claim);
      failures.succeeded(client);
      // Times in the pod read in the tenant's zone, as its settings name it.
      const { timeZone } = await getSettings(deps.database.db, session.tenant.id);
      return c.json({ ...session, timeZone }, 201);
    } catch (error) {
      // A refusal of what the client sent counts against it; an outage of ConnectWise does not.
      if (error instanceof AppError && error.status < 500) failures.failed(client);
      throw error;
    }
  });
}

/** The signed-in member's session and the names of the Manage records a page links to. */
function memberRoutes(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .get('/session', (c) => {
        const { member, tenant, session, permissions } = c.get('auth');
        return c.json(
          {
            member,
            tenant: { id: tenant.id, name: tenant.name, companyId: tenant.companyId },
            expiresAt: session.expiresAt.toISOString(),
            permissions,
          },
          200,
        );
      })
      /** The distributors the tenant buys from, for the pod's switch: the first is the default. */
      .get(
        '/distributors',
        zv('query', z.object({ cwCompanyId: z.optional(z.coerce.number().check(z.int(), z.positive())) })),
        async (c) => {
          const { tenant } = c.get('auth');
          const connected = await deps.vendors.distributors(tenant);
          // On a company screen: the distributors whose company is bound to it, so the tab opens on one.
          const cwCompanyId = c.req.valid('query').cwCompanyId;
          const boundHere =
            cwCompanyId === undefined
              ? []
              : (
                  await Promise.all(
                    connected.map(async (d) =>
                      (await companyMappingByCw(
                        deps.database.db,
                        { tenantId: tenant.id, distributor: d.kind },
                        cwCompanyId,
                      ))
                        ? d.kind
                        : null,
                    ),
                  )
                ).filter((k): k is string => k !== null);
          return c.json(
            {
              connected: connected.map((d) => ({
                kind: d.kind,
                displayName: d.displayName,
                capabilities: d.distributor.capabilities,
              })),
              boundHere,
            },
            200,
          );
        },
      )
      .get('/records/:screen/:id', zv('param', recordParamsSchema), async (c) => {
        const { screen, id } = c.req.valid('param');
        const cw = memberCw(c, deps);
        let summary: RecordSummary;
        if (screen === 'company') {
          const company = await cw.companies.get(Number(id));
          summary = { screen, id: company.id, name: company.name, detail: company.identifier };
        } else {
          const agreement = await cw.agreements.get(Number(id));
          summary = { screen, id: agreement.id, name: agreement.name, detail: agreement.company.name ?? null };
        }
        return c.json(summary, 200);
      })
  );
}

/** The tenant's settings, their history, and saving them (the schedule checked by the scheduler itself). */
function settingsRoutes(deps: ApiDeps) {
  /** The settings, with the next three times the schedule fires (none while auto-sync is off). */
  const withNextRuns = (settings: TenantSettingsView) => ({
    ...settings,
    nextRuns: settings.autoSync ? safePreview(() => deps.jobs.preview(settings.schedule, settings.timeZone)) : [],
  });
  return (
    new Hono<AppEnv>()
      .get('/settings', async (c) =>
        c.json(withNextRuns(await getSettings(deps.database.db, c.get('auth').tenant.id)), 200),
      )
      /** Who changed the settings (and the markups, usage settings and switches the runs bill with), when, and from what: the newest twenty saves. */
      .get('/settings/history', async (c) => {
        const rows = await settingsHistory(deps.database.db, c.get('auth').tenant.id);
        return c.json(
          rows.map((r) => ({
            id: r.id,
            subject: r.subject,
            label: r.label,
            changedBy: r.changedBy,
            changedAt: r.changedAt.toISOString(),
            before: r.before,
            after: r.after,
          })),
          200,
        );
      })
      .put('/settings', mayWrite(deps, 'changeSettings'), zv('json', tenantSettingsSchema), async (c) => {
        const { tenant, member } = c.get('auth');
        const settings = c.req.valid('json');
        // Validated by the scheduler's own parser, in the tenant's time zone: a schedule it could
        // not fire is refused here, naming the field, and nothing is saved.
        try {
          deps.jobs.preview(settings.schedule, settings.timeZone, 1);
        } catch (error) {
          throw invalidInput([{ field: 'schedule', message: (error as Error).message }]);
        }
        const saved = await saveSettings(
          deps.database.db,
          tenant.id,
          { ...settings, unattendedKinds: [...new Set(settings.unattendedKinds)] },
          `${member.name} (${member.id})`,
          deps.clock.now().toJSDate(),
        );
        const daily = (await getNotificationSettings(deps.database.db, tenant.id)).cadence === 'daily';
        await deps.jobs.apply(tenant.id, saved, daily);
        return c.json(withNextRuns(saved), 200);
      })
  );
}

/**
 * The pod's API. `POST /session` is the only route without a session; every route after the
 * `requireSession` line is scoped to the caller's tenant and acts as the caller.
 */
export function apiRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .route('/', signInRoutes(deps))
    .use('*', requireSession(deps))
    .route('/', memberRoutes(deps))
    .route('/', settingsRoutes(deps))
    .route('/', companyRoutes(deps))
    .route('/', productRoutes(deps))
    .route('/', serviceRoutes(deps))
    .route('/', planRoutes(deps))
    .route('/', usageRoutes(deps))
    .route('/', reconciliationRoutes(deps))
    .route('/', notificationRoutes(deps))
    .route('/', adjustmentRoutes(deps))
    .route('/', historyRoutes(deps))
    .route('/', connectionRoutes(deps))
    .route('/', distributorCompanyRoutes(deps))
    .route('/', syncRoutes(deps))
    .route('/', importRoutes(deps))
    .route('/', commitmentRoutes(deps));
}

/** The connecting client's address, when the server runs on Node (absent in tests' in-process requests). */
function socketAddress(c: { env: unknown }): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}

/** A schedule saved before schedules were checked may not parse; it then has no next runs to show. */
function safePreview(preview: () => string[]): string[] {
  try {
    return preview();
  } catch {
    return [];
  }
}
