import type { Parsed } from '../../../shared/schemas/distributor.ts';
import { VendorError } from '../../http/vendor-error.ts';
import type { Distributor } from '../types.ts';
import type { IonApi } from './api.ts';
import { ION } from './errors.ts';
import {
  splitProductKey,
  splitSubscriptionKey,
  toCompanies,
  toInvoiceItems,
  toInvoices,
  toPricing,
  toProducts,
  toSubscriptions,
} from './transform.ts';

const enc = encodeURIComponent;
/** The report that holds the partner's invoice lines. */
const BILLING_REPORT = 'billing-invoice-lines';
const none = <T>(): Parsed<T> => ({ items: [], problems: [] });

/** What Ion's v3 API does not offer; the capabilities say so, so the core never asks. */
function unsupported(what: string): never {
  throw new VendorError({
    ...ION,
    code: 'not_found',
    method: 'GET',
    path: '/api/v3',
    message: `StreamOne Ion's API has no ${what}.`,
  });
}

/** StreamOne Ion behind the product's distributor interface: HTTP from api.ts, shapes from transform.ts. */
export function createIonDistributor(api: IonApi): Distributor {
  const paged = async <T>(
    path: string,
    key: string,
    query: Record<string, string | undefined>,
    transform: (raw: unknown[]) => Parsed<T>,
  ) => {
    const parts = await api.pages(path, key, query, transform);
    return { items: parts.flatMap((p) => p.items), problems: parts.flatMap((p) => p.problems) };
  };
  return {
    kind: 'ion',
    displayName: 'StreamOne Ion',
    markerPrefix: 'ion',
    capabilities: { usage: false, invoices: true, history: false, createCompany: false },
    async verify() {
      await api.token();
      await api.get('/customers', { pageSize: 1 });
    },
    companies: () => paged('/customers', 'customers', {}, toCompanies),
    async products(filter = {}) {
      const all = await paged('/products', 'products', { 'filter.name': filter.search }, toProducts);
      const vendor = filter.vendorName?.toLowerCase();
      return vendor ? { ...all, items: all.items.filter((p) => p.vendorName.toLowerCase() === vendor) } : all;
    },
    async pricing(productId) {
      const parts = splitProductKey(productId);
      if (!parts) return none();
      return toPricing(await api.get(`/products/${enc(parts.productId)}`), productId);
    },
    async subscriptions(filter = {}) {
      // The account's list, filtered to one customer where asked: it pages by limit and offset.
      const parts = await api.offsetPages('/subscriptions', { customerId: filter.companyId }, toSubscriptions);
      const all = { items: parts.flatMap((p) => p.items), problems: parts.flatMap((p) => p.problems) };
      return {
        ...all,
        items: all.items.filter(
          (s) =>
            (!filter.productId || s.productId === filter.productId) &&
            (!filter.status || s.status.toLowerCase() === filter.status.toLowerCase()) &&
            (!filter.billingTerm || s.billingTerm.toLowerCase() === filter.billingTerm.toLowerCase()),
        ),
      };
    },
    async subscription(id) {
      const parts = splitSubscriptionKey(id);
      if (!parts) return none();
      return toSubscriptions([await api.get(`/customers/${enc(parts.customerId)}/subscriptions/${enc(parts.id)}`)]);
    },
    /** Ion keeps no history: the subscription as it stands since its last change is the one point known. */
    async subscriptionHistory(id) {
      const current = await this.subscription(id);
      return {
        items: current.items.map((s) => ({
          at: s.updatedAt ?? s.startDate ?? s.createdAt ?? '',
          quantity: s.quantity,
          status: s.status,
          endDate: s.endDate,
          unitPrice: s.unitPrice,
          unitCost: s.unitCost,
        })),
        problems: current.problems,
      };
    },
    usageSummaries: () => unsupported('usage summaries'),
    usageLines: () => unsupported('usage lines'),
    // Ion's invoices are its billing report's rows, grouped by invoice.
    async invoices({ from, to, companyId }) {
      const rows = await api.reportRows(BILLING_REPORT, { startDate: from, endDate: to });
      const mine = companyId
        ? rows.filter((r) => String((r as { customerId?: unknown }).customerId) === companyId)
        : rows;
      return toInvoices(mine);
    },
    async invoiceItems(invoice) {
      // The report is read by invoice date: the invoice's own day holds all of its lines.
      const day = invoice.invoiceDate;
      const rows = await api.reportRows(BILLING_REPORT, { startDate: day, endDate: day });
      const items = toInvoiceItems(rows);
      return { items: items.items.filter((i) => i.invoiceId === invoice.id), problems: items.problems };
    },
  };
}
