import type { Context } from 'hono';
import type { Scope } from '../../db/queries/scope.ts';
import { toIsoDay } from '../../shared/dates.ts';
import type { Subscription } from '../../shared/schemas/distributor.ts';
import type { Actor } from '../audit.ts';
import type { AppEnv, SessionDeps } from '../auth/session.ts';
import type { TtlCache } from '../cache.ts';
import { where } from '../connectwise/conditions.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import type { SyncJobs } from '../jobs/sync-jobs.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../notify/mailer.ts';
import { readCatalogLabels } from '../sync/assess.ts';
import { readUsage } from '../sync/usage.ts';
import type { Vendors } from '../tenants/vendors.ts';

export interface ApiDeps extends SessionDeps {
  vendors: Vendors;
  cache: TtlCache;
  /** Sync jobs: "Sync now" queues one; saving settings (re)schedules the tenant's. */
  jobs: SyncJobs;
  /** Sandbox mode: credentials may point at plain-http loopback vendors (the Connections page). */
  sandbox: boolean;
  /** How credential checks reach the vendors (tests pass their own). */
  setupFetch?: typeof fetch;
  /** Sends digests and the Settings page's test. */
  mailer?: Mailer;
  logger: Logger;
  /** The proxies whose `X-Forwarded-For` is believed (`TRUST_PROXY`); none by default. */
  trustProxy?: readonly string[];
  /** How long a member's write holds its claim without renewal (60 s; tests scale it down). */
  writeLeaseMs?: number;
}

/**
 * What a request needs, scoped to its tenant and acting as its member: vendor reads through the
 * cache (ConnectWise reads are cached per member, since roles differ), the audit actor, today.
 */
export async function requestContext(deps: ApiDeps, c: Context<AppEnv>) {
  const { tenant, member, cwAuth } = c.get('auth');
  const cw = deps.vendors.cw(tenant, cwAuth);
  // The pod says which distributor it shows; without it, the first one connected.
  const asked = c.req.header('x-distributor') || c.req.query('distributor');
  const chosen = asked
    ? await deps.vendors.distributor(tenant, asked).catch(async (error: unknown) => {
        if (!(error instanceof AppError)) throw error;
        const kinds = (await deps.vendors.distributors(tenant)).map((d) => d.kind);
        throw new AppError('invalid_input', `"${asked}" is not a distributor this tenant has connected.`, {
          fields: [
            {
              field: 'distributor',
              message: `connect it on the Connections page, or choose one of: ${kinds.join(', ') || 'none yet'}`,
            },
          ],
        });
      })
    : (await deps.vendors.distributors(tenant))[0];
  const need = (): Distributor => {
    if (!chosen)
      throw new AppError('conflict', 'No distributor is connected yet; an admin connects one on the Connections page.');
    return chosen.distributor;
  };
  const kind = chosen?.kind ?? '';
  const t = (k: string) => `${tenant.id}:${kind}:${k}`;
  const m = (k: string) => `${tenant.id}:cw:${member.id}:${k}`;
  const actor: Actor = { type: 'member', memberId: member.id, name: member.name };
  return {
    tenant,
    member,
    cw,
    actor,
    db: deps.database.db,
    today: toIsoDay(deps.clock.now()),
    /** When a write happens, by the clock the app was given. */
    now: () => deps.clock.now().toJSDate(),
    by: `${member.name} (${member.id})`,
    /** The distributor this request is about: its kind is on every row it reads or writes. */
    kind,
    /** Whose rows this request reads and writes: the tenant's, for this distributor. */
    scope: { tenantId: tenant.id, distributor: kind } as Scope,
    distributorCompanies: () => deps.cache.get(t('companies'), () => need().companies()),
    distributorProducts: () => deps.cache.get(t('products'), () => need().products()),
    distributorSubscriptions: () => deps.cache.get(t('subscriptions'), () => need().subscriptions()),
    /** One subscription: from the cached list, or read fresh if it is newer than the list. */
    distributorSubscription: async (id: string) =>
      (await deps.cache.get(t('subscriptions'), () => need().subscriptions())).items.find((s) => s.id === id) ??
      (
        await need()
          .subscription(id)
          .catch(() => ({ items: [] }))
      ).items[0],
    /**
     * A usage subscription's lines as of a day, for the tab and the pod: a final month's usage
     * does not move between two looks a minute apart. The review and the arrears job read fresh.
     */
    distributorUsage: (subscriptionId: string, day: string) =>
      deps.cache.get(
        t(`usage:${subscriptionId}:${day}`),
        async () => (await readUsage(need(), subscriptionId, [day]))[0]!,
      ),
    /**
     * A subscription's history, for the tab and the pod: read again whenever the subscription
     * changes (its quantity, status or last update), otherwise reused like every other read.
     */
    distributorHistory: (s: Subscription) =>
      deps.cache.get(t(`history:${s.id}:${s.updatedAt}:${s.quantity}:${s.status}`), () =>
        need().subscriptionHistory(s.id),
      ),
    distributorPricing: (productId: string) =>
      deps.cache.get(t(`pricing:${productId}`), () => need().pricing(productId)),
    get distributor() {
      return need();
    },
    cwCompanies: () =>
      deps.cache.get(m('companies'), () =>
        cw.companies.search({
          conditions: where.eq('deletedFlag', false),
          fields: 'id,identifier,name,website,city,zip',
        }),
      ),
    cwCompany: (id: number) => deps.cache.get(m(`company:${id}`), () => cw.companies.get(id)),
    cwAgreements: (companyId: number) =>
      deps.cache.get(m(`agreements:${companyId}`), async () =>
        (await cw.agreements.forCompany(companyId, { includeCancelled: true })).map(toAgreementView),
      ),
    cwAdditions: (agreementId: number) =>
      deps.cache.get(m(`additions:${agreementId}`), async () =>
        (await cw.additions.list(agreementId)).map(toAdditionView),
      ),
    catalogSetup: () => deps.cache.get(m('catalog-setup'), () => cw.catalog.setup()),
    catalogLabels: (itemIds: readonly number[]) =>
      deps.cache.get(m(`catalog-labels:${itemIds.join(',')}`), () => readCatalogLabels(cw, itemIds)),
    /** After a write, drops the read it made stale, for every member of the tenant. */
    invalidate: (what: 'companies' | `additions:${number}` | `agreements:${number}`) =>
      deps.cache.invalidateWhere((key) => key.startsWith(`${tenant.id}:cw:`) && key.endsWith(`:${what}`)),
  };
}

export type RequestContext = Awaited<ReturnType<typeof requestContext>>;
