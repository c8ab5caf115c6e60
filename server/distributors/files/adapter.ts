import type { UsageLine } from '../../../shared/schemas/distributor.ts';
import { markerPrefixOf } from '../connection-key.ts';
import type { Distributor } from '../types.ts';
import { invoiceItemsOf, invoicesOf } from './invoices.ts';
import type { FileLine } from './read.ts';
import {
  companiesOf,
  type ImportedLine,
  type ImportedLineFilter,
  type Lines,
  productsOf,
  readTerm,
  subscriptionsOf,
} from './subscriptions.ts';

/** The registry's kind for a file source; each source's key is `files:<its name>` (`connection-key.ts`). */
export const FILE_SOURCE_KIND = 'files';
/** The kind's marker prefix: each source's lines carry one made from it and the source's name. */
export const FILE_MARKER_PREFIX = 'fil';

const none = { items: [], problems: [] };

/**
 * A distributor read from the files imported into it, not from an API: what it knows is the
 * lines of its imported files (superseded ones left out), read again on every question, so a
 * file imported a moment ago is what the next plan and reconciliation see.
 */
export function createFileSource(
  sourceName: string,
  key: string,
  current: (only?: ImportedLineFilter) => Lines,
): Distributor {
  /** The lines that pass `keep`, gathered: a question about one subscription or product reads few. */
  const gathered = async (only: ImportedLineFilter, keep: (l: ImportedLine) => boolean) => {
    const kept: ImportedLine[] = [];
    for await (const l of current(only)) if (keep(l)) kept.push(l);
    return kept;
  };
  return {
    kind: key,
    displayName: sourceName,
    markerPrefix: markerPrefixOf(FILE_MARKER_PREFIX, key),
    capabilities: { usage: true, invoices: true, history: false, createCompany: false, imports: true },
    // The file is the invoice: a month is final once its file is imported.
    usageFinalDay: 1,
    // Usage lines carry their amounts, by the profile's rule.
    usageLinesPriced: true,
    // Nothing to check at a vendor: the connection is a name and a profile.
    verify: async () => {},
    companies: async () => ({ items: await companiesOf(current()), problems: [] }),
    products: async (filter) => {
      const search = filter?.search?.toLowerCase();
      const items = (await productsOf(current(), sourceName)).filter(
        (p) => !search || p.name.toLowerCase().includes(search) || p.id.toLowerCase().includes(search),
      );
      return { items, problems: [] };
    },
    pricing: async (productId) => {
      let latest: ImportedLine | undefined;
      for await (const l of current()) if (l.line.product.id === productId && l.line.kind !== 'credit') latest = l;
      if (!latest) return none;
      return {
        items: [
          {
            productId,
            billingTerm: readTerm(latest.line.term).billingTerm,
            commitmentTerm: readTerm(latest.line.term).commitment,
            commitmentMonths: null,
            unit: null,
            unitCost: latest.line.billedUnitCostMicros,
            unitPrice: latest.line.billedUnitPriceMicros,
            usage: latest.line.kind === 'usage',
          },
        ],
        problems: [],
      };
    },
    subscriptions: async (filter) => {
      const all = await subscriptionsOf(current(filter?.companyId ? { customerId: filter.companyId } : {}));
      return {
        items: all.items.filter(
          (s) =>
            (!filter?.companyId || s.companyId === filter.companyId) &&
            (!filter?.productId || s.productId === filter.productId) &&
            (!filter?.status || s.status === filter.status) &&
            (!filter?.billingTerm || s.billingTerm === filter.billingTerm),
        ),
        problems: all.problems,
      };
    },
    subscription: async (id) => {
      const all = await subscriptionsOf(current({ subscriptionId: id }));
      return { items: all.items.filter((s) => s.id === id), problems: all.problems.filter((p) => p.id === id) };
    },
    subscriptionHistory: async () => none,
    usageSummaries: async (subscriptionId) => {
      const usage = await gathered({ subscriptionId }, (l) => l.line.kind === 'usage');
      if (usage.length === 0) return none;
      const { customer, product } = usage.at(-1)!.line;
      return {
        items: [
          {
            id: subscriptionId,
            companyId: customer.id,
            productId: product.id,
            subscriptionId,
            resourceGroup: '',
            charges: 0,
            partnerTotal: 0,
          },
        ],
        problems: [],
      };
    },
    // A usage line covers its period: asked for a day, the lines whose period holds it.
    usageLines: async (summaryId, usageDate) => ({
      items: (
        await gathered(
          { subscriptionId: summaryId },
          (l) => l.line.kind === 'usage' && l.line.periodStart <= usageDate && l.line.periodEnd >= usageDate,
        )
      ).map(({ line }) => usageLineOf(line, summaryId, usageDate)),
      problems: [],
    }),
    invoices: async (range) => ({ items: await invoicesOf(current(), range), problems: [] }),
    invoiceItems: async (invoice) => ({ items: await invoiceItemsOf(current(), invoice.id), problems: [] }),
  };
}

/** A file's usage line as the usage planner reads one: its meter, count, and both amounts. */
function usageLineOf(line: FileLine, summaryId: string, usageDate: string): UsageLine {
  return {
    summaryId,
    usageDate,
    productId: line.product.id,
    productName: line.product.name,
    unit: null,
    quantity: Number(line.quantity),
    unitPrice: line.billedUnitPriceMicros,
    charges: line.priceAmountCents * 10_000,
    partnerTotal: line.amountCents * 10_000,
  };
}
