import { DateTime } from 'luxon';
import type { Parsed } from '../../../shared/schemas/distributor.ts';
import { mapLimit } from '../../http/limit.ts';
import { VendorError } from '../../http/vendor-error.ts';
import type { Distributor } from '../types.ts';
import type { Pax8Api } from './api.ts';
import {
  toCompanies,
  toHistory,
  toInvoiceItems,
  toInvoices,
  toPricing,
  toProducts,
  toSubscriptions,
  toUsageLines,
  toUsageSummaries,
} from './transform.ts';

const enc = encodeURIComponent;

/** What its markers start with (`p8s:` + a hash): unique among the kinds, a test holds it. */
export const PAX8_MARKER_PREFIX = 'p8s';

/** Pax8 behind the product's distributor interface: HTTP from api.ts, shapes from transform.ts. */
export function createPax8Distributor(api: Pax8Api): Distributor {
  const content = async (path: string, query: Record<string, string | undefined> = {}) => {
    const body = (await api.get(path, query)) as { content?: unknown };
    return Array.isArray(body?.content) ? body.content : [];
  };
  /** Transforms page by page as they arrive, then joins the items and problems. */
  const paged = async <T>(
    path: string,
    query: Record<string, string | undefined>,
    transform: (raw: unknown[]) => Parsed<T>,
  ): Promise<Parsed<T>> => {
    const parts = await api.pages(path, query, transform);
    return { items: parts.flatMap((p) => p.items), problems: parts.flatMap((p) => p.problems) };
  };
  return {
    kind: 'pax8',
    displayName: 'Pax8',
    markerPrefix: PAX8_MARKER_PREFIX,
    usageLinesPriced: true,
    capabilities: { usage: true, invoices: true, history: true, createCompany: true },
    usageFinalDay: 4,
    async verify() {
      await api.token();
      await api.get('/companies', { page: 0, size: 1 });
    },
    companies: () => paged('/companies', {}, toCompanies),
    async createCompany(input) {
      const body = {
        name: input.name,
        address: {
          street: input.street,
          street2: input.street2,
          city: input.city,
          stateOrProvince: input.stateOrProvince,
          postalCode: input.postalCode,
          country: input.country,
        },
        phone: input.phone,
        website: input.website,
        externalId: input.externalId,
        // The MSP bills its customer itself (through ConnectWise), so Pax8 does not.
        billOnBehalfOfEnabled: false,
        selfServiceAllowed: false,
        orderApprovalRequired: false,
      };
      const created = toCompanies([await api.post('/companies', body)]);
      if (!created.items[0])
        throw new VendorError({
          vendor: 'pax8',
          vendorName: 'Pax8',
          code: 'bad_response',
          method: 'POST',
          path: '/companies',
          message: `Pax8 created the company but answered it in a form the sync cannot read: ${created.problems.map((p) => p.message).join('; ')}`,
        });
      return created.items[0];
    },
    products: (filter = {}) => paged('/products', filter, toProducts),
    /** As its usage lines name them, in this and last month's usage of a few of its subscriptions. */
    async subProducts(subscriptions, today) {
      const names = new Set<string>();
      const month = DateTime.fromISO(today, { zone: 'utc' });
      await mapLimit(subscriptions.slice(0, 20), 4, async (s) => {
        const summaries = toUsageSummaries(await api.list(`/subscriptions/${enc(s.id)}/usage-summaries`));
        for (const summary of summaries.items) {
          for (const day of [month.minus({ days: 1 }), month.minus({ months: 1 }).endOf('month')]) {
            const lines = await api.list(`/usage-summaries/${enc(summary.id)}/usage-lines`, {
              usageDate: day.toISODate()!,
            });
            for (const line of toUsageLines(lines, summary.id).items) names.add(line.productName);
          }
        }
      });
      return [...names].sort();
    },
    pricing: async (productId, companyId) =>
      toPricing(await content(`/products/${enc(productId)}/pricing`, { companyId }), productId),
    subscriptions: (filter = {}) => paged('/subscriptions', { ...filter }, toSubscriptions),
    subscription: async (id) => toSubscriptions([await api.get(`/subscriptions/${enc(id)}`)]),
    subscriptionHistory: async (id) => toHistory(await content(`/subscriptions/${enc(id)}/history`), id),
    usageSummaries: async (id) => toUsageSummaries(await api.list(`/subscriptions/${enc(id)}/usage-summaries`)),
    usageLines: async (summaryId, usageDate) =>
      toUsageLines(await api.list(`/usage-summaries/${enc(summaryId)}/usage-lines`, { usageDate }), summaryId),
    invoices: async ({ from, to, companyId }) =>
      toInvoices(await api.list('/invoices', { invoiceDateRangeStart: from, invoiceDateRangeEnd: to, companyId })),
    invoiceItems: async ({ id }) => toInvoiceItems(await api.list(`/invoices/${enc(id)}/items`), id),
  };
}
