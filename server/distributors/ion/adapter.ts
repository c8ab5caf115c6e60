import { addDays } from '../../../shared/billing/calendar.ts';
import type { Parsed } from '../../../shared/schemas/distributor.ts';
import { VendorError } from '../../http/vendor-error.ts';
import type { Distributor } from '../types.ts';
import type { IonApi } from './api.ts';
import { type BillingReportLine, toBillingInvoices, toBillingReportLines } from './billing-report.ts';
import { ION } from './errors.ts';
import {
  splitProductKey,
  splitSubscriptionKey,
  subscriptionKey,
  toCompanies,
  toPricing,
  toProducts,
  toSubscriptions,
} from './transform.ts';
import { ionReportSchema, ionSubscriptionSchema } from './types.ts';

const enc = encodeURIComponent;
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

const CHOOSE_REPORT =
  "Choose StreamOne Ion's billing report on the Connections page: reconciliation reads the month's invoice lines from it.";

/** How long a billing report read serves the invoice reads that follow it. */
const REPORT_REUSE_MS = 60_000;

/** What its markers start with (`ion:` + a hash): unique among the kinds, a test holds it. */
export const ION_MARKER_PREFIX = 'ion';

/**
 * StreamOne Ion's invoices come from a billing report the admin chooses: the account's reports,
 * and the chosen one's lines for a range, each keyed to its subscription as the sync keys it.
 */
function ionBillingReport(api: IonApi, settings: () => Promise<{ billingReportId?: string }>, now: () => number) {
  let recent: { at: number; lines: Parsed<BillingReportLine> } | undefined;
  /** The account's reports, as the Connections page offers them. */
  const listReports = async () =>
    (await api.reports()).flatMap((raw) => {
      const r = ionReportSchema.safeParse(raw);
      return r.success
        ? [{ id: r.data.reportId, name: r.data.displayName ?? r.data.reportId, category: r.data.category ?? null }]
        : [];
    });
  /** The chosen report's lines for a range, each keyed to its subscription as the sync keys it. */
  async function billingLines(from: string, to: string): Promise<Parsed<BillingReportLine>> {
    const { billingReportId } = await settings();
    if (!billingReportId)
      throw new VendorError({
        ...ION,
        code: 'conflict',
        method: 'GET',
        path: '/reports',
        message: CHOOSE_REPORT,
        fix: CHOOSE_REPORT,
      });
    const [reports, keys] = await Promise.all([
      listReports(),
      api.offsetPages('/subscriptions', {}, (raw) =>
        raw.flatMap((s) => {
          const p = ionSubscriptionSchema.safeParse(s);
          return p.success
            ? [
                [
                  `${p.data.customerId}:${p.data.subscriptionId ?? p.data.id}`,
                  subscriptionKey(p.data.customerId, p.data.id),
                ] as const,
              ]
            : [];
        }),
      ),
    ]);
    const report = reports.find((r) => r.id === billingReportId);
    if (!report) {
      const gone = `The billing report chosen on the Connections page (${billingReportId}) is no longer in StreamOne Ion. Choose another there.`;
      throw new VendorError({ ...ION, code: 'not_found', method: 'GET', path: '/reports', message: gone, fix: gone });
    }
    const byProvider = new Map(keys.flat());
    const csv = await api.reportCsv(report, { from, to });
    const lines = toBillingReportLines(
      csv,
      report,
      (customerId, providerId) => byProvider.get(`${customerId}:${providerId}`) ?? null,
    );
    recent = { at: now(), lines };
    return lines;
  }
  return { listReports, billingLines, recent: () => recent };
}

/** StreamOne Ion behind the product's distributor interface: HTTP from api.ts, shapes from transform.ts. */
export function createIonDistributor(
  api: IonApi,
  /** The connection's settings as stored now: the billing report the admin chose. */
  settings: () => Promise<{ billingReportId?: string }> = async () => ({}),
  now: () => number = Date.now,
): Distributor {
  const report = ionBillingReport(api, settings, now);
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
    markerPrefix: ION_MARKER_PREFIX,
    // Ion closes a month with its invoice on the 1st of the next.
    usageFinalDay: 1,
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
    // Ion's invoices are the lines of the billing report the admin chose on Connections.
    async invoices({ from, to, companyId }) {
      const lines = await report.billingLines(from, to);
      const mine = companyId ? lines.items.filter((l) => l.companyId === companyId) : lines.items;
      return { items: toBillingInvoices(mine), problems: lines.problems };
    },
    async invoiceItems(invoice) {
      // Read with the invoices, moments ago; else the month before the invoice, and its own.
      const recent = report.recent();
      const fresh = recent && now() - recent.at < REPORT_REUSE_MS ? recent.lines : undefined;
      const lines = fresh ?? (await report.billingLines(addDays(invoice.invoiceDate, -62), invoice.invoiceDate));
      return { items: lines.items.filter((l) => l.invoiceId === invoice.id), problems: lines.problems };
    },
    billingReports: report.listReports,
  };
}
