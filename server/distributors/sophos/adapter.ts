import { DateTime } from 'luxon';
import type { Parsed, UsageLine } from '../../../shared/schemas/distributor.ts';
import { VendorError } from '../../http/vendor-error.ts';
import type { Distributor } from '../types.ts';
import type { SophosApi } from './api.ts';
import { SOPHOS } from './errors.ts';
import { toCompanies, toMonthUsage, toSubscriptions, toUsageLines, USAGE_PRODUCT } from './transform.ts';

const none = <T>(): Parsed<T> => ({ items: [], problems: [] });

/** How long a read is reused. */
export const READ_REUSE_MS = 60_000;

function unsupported(what: string): never {
  throw new VendorError({
    ...SOPHOS,
    code: 'not_found',
    method: 'GET',
    path: '/partner/v1',
    message: `Sophos Central's Partner API has no ${what}.`,
  });
}

/** What its markers start with (`sop:` + a hash): unique among the kinds, a test holds it. */
export const SOPHOS_MARKER_PREFIX = 'sop';

/** What the Sophos Central adapter reads: tenants and a month's billing usage, each kept briefly and shared by its readers. */
function sophosReads(api: SophosApi, now: () => number) {
  // The client lives as long as the connection, so what it reads is kept only briefly: long
  // enough for one run or one review to read a month (which lists every tenant) and the
  // tenants once, not once per tenant; never so long that a new count or tenant is missed.
  const reads = new Map<string, { at: number; value: Promise<unknown> }>();
  const shortly = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const kept = reads.get(key);
    if (kept && now() - kept.at < READ_REUSE_MS) return kept.value as Promise<T>;
    const value = read().catch((error: unknown) => {
      reads.delete(key);
      throw error;
    });
    reads.set(key, { at: now(), value });
    return value;
  };
  // Parsed once per read, so each tenant's reading only looks its lines up.
  const usageOf = (day: string) => {
    const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
    return shortly(`usage:${year}-${month}`, async () =>
      toMonthUsage(await api.list(`/partner/v1/billing/usage/${year}/${month}`)),
    );
  };
  const tenants = () => shortly('tenants', () => api.list('/partner/v1/tenants'));
  const usageSubscription = async (id: string) => {
    const found = toSubscriptions(await tenants(), lastMonthStart()).items.filter((s) => s.id === id);
    if (found.length === 0)
      throw new VendorError({
        ...SOPHOS,
        code: 'not_found',
        method: 'GET',
        path: '/partner/v1/tenants',
        message: `Sophos Central has no usage-billed tenant ${id}.`,
      });
    return found;
  };
  const lastMonthStart = () =>
    DateTime.fromMillis(now(), { zone: 'utc' }).minus({ months: 1 }).startOf('month').toISODate()!;
  return { usageOf, tenants, usageSubscription, lastMonthStart };
}

/**
 * Sophos Central behind the product's distributor interface: tenants are its companies; a
 * usage-billed tenant is one monthly usage subscription whose sub-products are the Sophos
 * products it used, counted from the partner's billing usage for the month.
 */
export function createSophosDistributor(api: SophosApi, now: () => number = Date.now): Distributor {
  const { usageOf, tenants, usageSubscription, lastMonthStart } = sophosReads(api, now);
  return {
    kind: 'sophos',
    displayName: 'Sophos Central',
    markerPrefix: SOPHOS_MARKER_PREFIX,
    usageLinesPriced: false,
    capabilities: { usage: true, invoices: false, history: false, createCompany: false },
    // Sophos closes a month's usage by its billing cut-over, the 6th (as StreamOne Ion's table has it).
    usageFinalDay: 6,
    async verify() {
      await api.token();
      await api.whoami();
      await api.get('/partner/v1/tenants', { page: 1, pageSize: 1 });
    },
    companies: async () => toCompanies(await tenants()),
    products: async () => ({
      items: [
        {
          id: USAGE_PRODUCT.id,
          name: USAGE_PRODUCT.name,
          vendorName: 'Sophos',
          sku: null,
          vendorSku: null,
          description: 'Billed monthly in arrears by what each tenant used, per Sophos product.',
          requiresCommitment: false,
        },
      ],
      problems: [],
    }),
    pricing: async (productId) => ({
      items:
        productId === USAGE_PRODUCT.id
          ? [
              {
                productId,
                billingTerm: 'Monthly',
                commitmentTerm: null,
                commitmentMonths: null,
                unit: null,
                unitCost: 0,
                unitPrice: 0,
                usage: true,
              },
            ]
          : [],
      problems: [],
    }),
    async subscriptions(filter = {}) {
      const all = toSubscriptions(await tenants(), lastMonthStart());
      return {
        ...all,
        items: all.items.filter(
          (s) =>
            (!filter.companyId || s.companyId === filter.companyId) &&
            (!filter.productId || s.productId === filter.productId) &&
            (!filter.status || s.status === filter.status),
        ),
      };
    },
    subscription: async (id) => ({ items: await usageSubscription(id), problems: [] }),
    subscriptionHistory: async () => none(),
    async usageSummaries(subscriptionId) {
      const sub = (await usageSubscription(subscriptionId))[0]!;
      const name = toCompanies(await tenants()).items.find((c) => c.id === sub.companyId)?.name ?? sub.companyId;
      return {
        items: [
          {
            id: subscriptionId,
            companyId: sub.companyId,
            productId: USAGE_PRODUCT.id,
            subscriptionId,
            resourceGroup: name,
            charges: 0,
            partnerTotal: 0,
          },
        ],
        problems: [],
      };
    },
    usageLines: async (summaryId, usageDate): Promise<Parsed<UsageLine>> =>
      toUsageLines(await usageOf(usageDate), summaryId, usageDate),
    invoices: async () => unsupported('invoices'),
    invoiceItems: async () => unsupported('invoices'),
    async subProducts(subscriptions, today) {
      const names = new Set<string>();
      const ids = new Set(subscriptions.map((s) => s.id));
      const month = DateTime.fromISO(today, { zone: 'utc' });
      for (const day of [month, month.minus({ months: 1 })]) {
        const usage = await usageOf(day.toISODate()!);
        for (const id of ids) for (const l of usage.byTenant.get(id) ?? []) names.add(l.productName);
      }
      return [...names].sort();
    },
  };
}
