import { DateTime } from 'luxon';
import type { ProductSeed } from '../catalog-data.ts';
import type { prng } from '../prng.ts';
import type { Pax8InvoiceItemRecord, Pax8ProductRecord, Pax8SubscriptionRecord, Pax8World } from './world.ts';

/**
 * Pax8's part of the shared world: each subscription with its history, its commitment term,
 * and the partner's invoices. `seed.ts` calls these as it walks the companies it generates.
 */

type Rng = ReturnType<typeof prng>;

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
const money = (n: number) => Math.round(n * 100) / 100;

/**
 * A subscription and its history. About a third change quantity inside the current month
 * (the prorates of a sync), some changed last month, some are cancelled. The very first
 * subscription of the first company replays the guide's first example: 1 seat, +1 on day 9.
 */
export function makeSubscription(
  rng: Rng,
  today: DateTime,
  companyId: string,
  product: Pax8ProductRecord,
  term: keyof ProductSeed['terms'],
  cost: number,
  price: number,
  guideExample: boolean,
) {
  const start = guideExample
    ? today.minus({ months: 3 }).startOf('month').plus({ days: 10 })
    : today
        .minus({ months: rng.int(2, 20) })
        .startOf('month')
        .plus({ days: rng.int(0, 26) });
  const id = rng.uuid();
  let quantity = guideExample ? 1 : term === 'One-Time' ? 1 : rng.int(1, 60);
  const months = { Annual: 12, '2-Year': 24, '3-Year': 36 } as Record<string, number>;
  const base: Pax8SubscriptionRecord = {
    id,
    companyId,
    productId: product.id,
    productName: product.name,
    parentSubscriptionId: null,
    vendorSubscriptionId: rng.uuid(),
    quantity,
    startDate: iso(start),
    endDate: null,
    createdDate: iso(start),
    updatedDate: iso(start),
    billingStart: iso(start),
    status: 'Active',
    price,
    partnerCost: cost,
    currencyCode: 'USD',
    billingTerm: term,
    // An active term renews: its end is the first term boundary after today, as Pax8 shows it.
    commitmentTerm: months[term] ? { id: rng.uuid(), term, endDate: iso(termEnd(start, months[term]!, today)) } : null,
    provisioningDetails: [{ key: 'domain', values: [`${companyId.slice(0, 8)}.onmicrosoft.com`] }],
  };
  const history: Pax8SubscriptionRecord[] = [{ ...base }];
  const change = (at: DateTime, to: number) => {
    quantity = to;
    history.push({ ...history.at(-1)!, quantity, updatedDate: iso(at) });
  };
  const dayOfMonth = today.day;
  if (guideExample) {
    if (dayOfMonth > 9) change(today.startOf('month').plus({ days: 8, hours: 15 }), 2);
    else change(today.minus({ months: 1 }).startOf('month').plus({ days: 8, hours: 15 }), 2);
  } else if (term !== 'One-Time') {
    if (rng.chance(0.2))
      change(
        today
          .minus({ months: 1 })
          .startOf('month')
          .plus({ days: rng.int(2, 25), hours: rng.int(8, 18) }),
        Math.max(1, quantity + rng.int(-3, 6)),
      );
    if (dayOfMonth > 2 && rng.chance(0.35)) {
      const changes = rng.int(1, 2);
      let day = 1;
      for (let c = 0; c < changes && day < dayOfMonth - 1; c++) {
        day = rng.int(day + 1, dayOfMonth - 1);
        const delta = rng.chance(0.75) ? rng.int(1, 12) : -rng.int(1, Math.max(1, Math.min(5, quantity - 1)));
        change(today.startOf('month').plus({ days: day - 1, hours: rng.int(8, 18) }), Math.max(1, quantity + delta));
      }
    }
  }
  const last = history.at(-1)!;
  if (!guideExample && rng.chance(0.06)) {
    const end = today.minus({ days: rng.int(1, 40) });
    const cancelled = { ...last, status: 'Cancelled' as const, endDate: iso(end), updatedDate: iso(end) };
    history.push(cancelled);
  }
  return { current: { ...history.at(-1)! }, history };
}

/** How an invoice item names a subscription's term: usage in arrears, years with a space. */
export function invoiceTerm(sub: Pick<Pax8SubscriptionRecord, 'price' | 'billingTerm'>): Pax8InvoiceItemRecord['term'] {
  if (sub.price === 0) return 'Arrears';
  if (sub.billingTerm === 'Trial' || sub.billingTerm === 'Activation') return 'One-Time';
  if (sub.billingTerm === '2-Year') return '2 Year';
  if (sub.billingTerm === '3-Year') return '3 Year';
  return sub.billingTerm as Pax8InvoiceItemRecord['term'];
}

function termEnd(start: DateTime, months: number, today: DateTime): DateTime {
  let end = start.plus({ months });
  while (end <= today) end = end.plus({ months });
  return end;
}

/**
 * The final invoice is not always what was synced: on three subscriptions of different
 * customers, seats added after the sync, a price change, and a credit, for reconciliation.
 */
function varyInvoice(items: Pax8InvoiceItemRecord[]) {
  const seats = items.filter((i) => i.type === 'subscription' && i.term === 'Monthly' && i.quantity > 0);
  const picked: Pax8InvoiceItemRecord[] = [];
  for (const i of seats) if (picked.length < 3 && !picked.some((p) => p.companyId === i.companyId)) picked.push(i);
  const [more, dearer, credited] = picked;
  if (more) Object.assign(more, { quantity: more.quantity + 3 });
  if (dearer) Object.assign(dearer, { cost: money(dearer.cost * 1.1) });
  for (const i of [more, dearer])
    if (i) Object.assign(i, { total: money(i.price * i.quantity), costTotal: money(i.cost * i.quantity) });
  if (credited)
    items.push({
      ...credited,
      type: 'service-credit',
      quantity: 1,
      price: -credited.cost,
      cost: -credited.cost,
      total: -credited.cost,
      costTotal: -credited.cost,
      term: 'One-Time',
    });
}

/** Last month's invoice: one item per active subscription, billed on the 4th as Pax8 does. */
export function addInvoices(rng: Rng, today: DateTime, pax8: Pax8World) {
  const month = today.minus({ months: 1 }).startOf('month');
  const invoiceId = rng.uuid();
  const items: Pax8InvoiceItemRecord[] = [];
  const names = new Map(pax8.companies.map((c) => [c.id, c.name]));
  const skus = new Map(pax8.products.map((p) => [p.id, p.sku]));
  for (const sub of pax8.subscriptions) {
    if (DateTime.fromISO(sub.startDate) > month.endOf('month')) continue;
    const quantity =
      [...pax8.history[sub.id]!].reverse().find((h) => DateTime.fromISO(h.updatedDate) <= month.endOf('month'))
        ?.quantity ?? sub.quantity;
    // Pax8 sends items without an id; the draw is kept so the rest of the world stays as it was.
    rng.uuid();
    items.push({
      invoiceId,
      type: 'subscription',
      companyId: sub.companyId,
      companyName: names.get(sub.companyId) ?? '',
      subscriptionId: sub.id,
      productId: sub.productId,
      productName: sub.productName,
      sku: skus.get(sub.productId) ?? '',
      startPeriod: month.toISODate()!,
      endPeriod: month.endOf('month').toISODate()!,
      quantity,
      price: sub.price,
      cost: sub.partnerCost,
      total: money(sub.price * quantity),
      costTotal: money(sub.partnerCost * quantity),
      term: invoiceTerm(sub),
    });
  }
  varyInvoice(items);
  const total = money(items.reduce((sum, i) => sum + i.costTotal, 0));
  pax8.invoices.push({
    id: invoiceId,
    invoiceDate: today.startOf('month').plus({ days: 3 }).toISODate()!,
    dueDate: today.startOf('month').plus({ days: 33 }).toISODate()!,
    status: 'Unpaid',
    total,
    balance: total,
    partnerName: 'Sandbox MSP',
    companyIds: [...new Set(items.map((i) => i.companyId))],
  });
  pax8.invoiceItems.push(...items);
}
