import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { DateTime } from 'luxon';
import type { Pax8InvoiceItemRecord, Pax8World } from '../world.ts';
import { invoiceTerm } from './generate.ts';
import { money } from './usage-seed.ts';

interface InvoiceLineChange {
  subscriptionId?: string;
  /** `2026-10` */
  period?: string;
  /** The seats the invoice bills (a quantity changed after the sync). */
  quantity?: number;
  /** A new unit cost (a price change). */
  cost?: number;
  /** A credit Pax8 posts against the subscription, as a positive amount of cost. */
  credit?: number;
  /** A prorate line for seats added in the month: how many, at what cost each for the part of the month. */
  prorate?: { quantity: number; cost: number };
}

/** The invoice for a period, dated the 4th of the next month as Pax8's are; made when missing. */
function invoiceFor(world: Pax8World, period: string) {
  const date = DateTime.fromISO(`${period}-01`, { zone: 'utc' }).plus({ months: 1, days: 3 });
  let invoice = world.invoices.find((i) => i.invoiceDate === date.toISODate());
  if (!invoice) {
    invoice = {
      id: randomUUID(),
      invoiceDate: date.toISODate()!,
      dueDate: date.plus({ days: 30 }).toISODate()!,
      status: 'Unpaid',
      total: 0,
      balance: 0,
      partnerName: 'Sandbox MSP',
      companyIds: [],
    };
    world.invoices.push(invoice);
  }
  return invoice;
}

function retotal(world: Pax8World, invoiceId: string) {
  const invoice = world.invoices.find((i) => i.id === invoiceId)!;
  const items = world.invoiceItems.filter((i) => i.invoiceId === invoiceId);
  invoice.total = money(items.reduce((n, i) => n + i.costTotal, 0));
  invoice.balance = invoice.total;
  invoice.companyIds = [...new Set(items.map((i) => i.companyId))];
}

/**
 * The switches that make an invoice differ from what was synced, as Pax8's final invoice can:
 * `POST /invoice-lines` sets a subscription's seats or unit cost on a period's invoice, or adds
 * a credit; `DELETE /invoices/:period` removes a period's invoice (it is "not there yet").
 */
export function invoiceAdmin(world: Pax8World) {
  return (admin: Hono) => {
    admin.post('/invoice-lines', async (c: Context) => {
      const body = (await c.req.json().catch(() => null)) as InvoiceLineChange | null;
      const sub = world.subscriptions.find((s) => s.id === body?.subscriptionId);
      if (!body || !sub) return c.json({ message: 'subscriptionId: no such subscription' }, 404);
      if (!body.period || !/^\d{4}-\d{2}$/.test(body.period))
        return c.json({ message: 'period: a month such as 2026-10' }, 400);
      if (body.quantity !== undefined && (!Number.isInteger(body.quantity) || body.quantity < 0))
        return c.json({ message: 'quantity: a whole number of 0 or more' }, 400);
      const invoice = invoiceFor(world, body.period);
      const start = `${body.period}-01`;
      const end = DateTime.fromISO(start, { zone: 'utc' }).endOf('month').toISODate()!;
      let line = world.invoiceItems.find(
        (i) => i.invoiceId === invoice.id && i.subscriptionId === sub.id && i.type === 'subscription',
      );
      if (!line) {
        line = {
          invoiceId: invoice.id,
          type: 'subscription',
          companyId: sub.companyId,
          companyName: world.companies.find((co) => co.id === sub.companyId)?.name ?? '',
          subscriptionId: sub.id,
          productId: sub.productId,
          productName: sub.productName,
          sku: world.products.find((p) => p.id === sub.productId)?.sku ?? '',
          startPeriod: start,
          endPeriod: end,
          quantity: sub.quantity,
          price: sub.price,
          cost: sub.partnerCost,
          total: 0,
          costTotal: 0,
          term: invoiceTerm(sub),
        } satisfies Pax8InvoiceItemRecord;
        world.invoiceItems.push(line);
      }
      if (body.quantity !== undefined) line.quantity = body.quantity;
      if (body.cost !== undefined) line.cost = money(body.cost);
      line.total = money(line.price * line.quantity);
      line.costTotal = money(line.cost * line.quantity);
      if (body.prorate)
        world.invoiceItems.push({
          ...line,
          type: 'prorate',
          quantity: body.prorate.quantity,
          price: money(body.prorate.cost),
          cost: money(body.prorate.cost),
          total: money(body.prorate.cost * body.prorate.quantity),
          costTotal: money(body.prorate.cost * body.prorate.quantity),
        });
      if (body.credit)
        world.invoiceItems.push({
          ...line,
          type: 'service-credit',
          quantity: 1,
          price: -body.credit,
          cost: -body.credit,
          total: -body.credit,
          costTotal: -body.credit,
          term: 'One-Time',
        });
      retotal(world, invoice.id);
      return c.json(world.invoiceItems.filter((i) => i.invoiceId === invoice.id && i.subscriptionId === sub.id));
    });
    admin.delete('/invoices/:period', (c) => {
      const period = c.req.param('period');
      const date = DateTime.fromISO(`${period}-01`, { zone: 'utc' }).plus({ months: 1, days: 3 }).toISODate();
      const gone = new Set(world.invoices.filter((i) => i.invoiceDate === date).map((i) => i.id));
      world.invoices = world.invoices.filter((i) => !gone.has(i.id));
      world.invoiceItems = world.invoiceItems.filter((i) => !gone.has(i.invoiceId));
      return c.json({ removed: gone.size });
    });
  };
}
