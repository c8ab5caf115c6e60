import type { Context } from 'hono';
import { toIsoDay } from '../../shared/dates.ts';
import type { Actor } from '../audit.ts';
import type { AppEnv, SessionDeps } from '../auth/session.ts';
import type { TtlCache } from '../cache.ts';
import { where } from '../connectwise/conditions.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { SyncJobs } from '../jobs/sync-jobs.ts';
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
}

/**
 * What a request needs, scoped to its tenant and acting as its member: vendor reads through the
 * cache (ConnectWise reads are cached per member, since roles differ), the audit actor, today.
 */
export function requestContext(deps: ApiDeps, c: Context<AppEnv>) {
  const { tenant, member, cwAuth } = c.get('auth');
  const cw = deps.vendors.cw(tenant, cwAuth);
  const distributor = deps.vendors.distributor(tenant);
  const t = (k: string) => `${tenant.id}:${k}`;
  const m = (k: string) => `${tenant.id}:cw:${member.id}:${k}`;
  const actor: Actor = { type: 'member', memberId: member.id, name: member.name };
  return {
    tenant,
    member,
    cw,
    actor,
    db: deps.database.db,
    today: toIsoDay(deps.clock.now()),
    by: `${member.name} (${member.id})`,
    pax8Companies: () => deps.cache.get(t('pax8:companies'), () => distributor.companies()),
    pax8Products: () => deps.cache.get(t('pax8:products'), () => distributor.products()),
    pax8Subscriptions: () => deps.cache.get(t('pax8:subscriptions'), () => distributor.subscriptions()),
    /** One subscription: from the cached list, or read fresh if it is newer than the list. */
    pax8Subscription: async (id: string) =>
      (await deps.cache.get(t('pax8:subscriptions'), () => distributor.subscriptions())).items.find(
        (s) => s.id === id,
      ) ?? (await distributor.subscription(id).catch(() => ({ items: [] }))).items[0],
    pax8Pricing: (productId: string) =>
      deps.cache.get(t(`pax8:pricing:${productId}`), () => distributor.pricing(productId)),
    distributor,
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
    /** After a write, drops the read it made stale, for every member of the tenant. */
    invalidate: (what: 'companies' | `additions:${number}` | `agreements:${number}`) =>
      deps.cache.invalidateWhere((key) => key.startsWith(`${tenant.id}:cw:`) && key.endsWith(`:${what}`)),
  };
}

export type RequestContext = ReturnType<typeof requestContext>;
