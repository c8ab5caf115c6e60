import { Hono } from 'hono';
import { z } from 'zod';
import { adminRoutes, quantityChange } from '../admin.ts';
import { createControl } from '../faults.ts';
import type { DistributorSandbox } from '../sandbox-kind.ts';
import type { World } from '../world.ts';
import { createPax8Sandbox, type Pax8Sandbox } from './app.ts';
import { invoiceAdmin } from './invoice-admin.ts';
import { money } from './usage-seed.ts';

const quirksSchema = z
  .object({
    missingQuantityEvery: z.number().int().min(0),
    dateOnly: z.boolean(),
    colonlessOffset: z.boolean(),
    commitmentRenamed: z.boolean(),
    lowerCaseEnums: z.boolean(),
  })
  .partial();

export type RunningPax8 = Pax8Sandbox & { url: string; baseUrl: string; tokenUrl: string };

/** What a partner does in the Pax8 portal, and Pax8's own recounts, on the sandbox's admin routes. */
function pax8Admin(pax8: Pax8Sandbox, world: World) {
  return (admin: Hono) => {
    admin.get('/quirks', (c) => c.json(pax8.quirks));
    invoiceAdmin(world.pax8)(admin);
    /** Changes a subscription's seats as a partner would in the Pax8 portal, on the sandbox's today unless `at` says otherwise. */
    admin.post('/subscriptions/:id/quantity', async (c) => {
      const change = await quantityChange(c, world.today);
      if (change instanceof Response) return change;
      const sub = world.pax8.subscriptions.find((x) => x.id === c.req.param('id'));
      if (!sub) return c.json({ message: 'no such subscription' }, 404);
      Object.assign(sub, { quantity: change.quantity, updatedDate: change.at });
      world.pax8.history[sub.id] ??= [];
      world.pax8.history[sub.id]!.push({ ...sub });
      return c.json(sub);
    });
    /**
     * Changes a usage line's count for a day, as Pax8's nightly endpoint counts would, keeping
     * its charges at the line's own rates: `{ subscriptionId, productName, usageDate, quantity }`.
     */
    admin.post('/usage-lines', async (c) => {
      const body = (await c.req.json().catch(() => null)) as {
        subscriptionId?: string;
        productName?: string;
        usageDate?: string;
        quantity?: number;
      } | null;
      if (!body || !Number.isInteger(body.quantity) || body.quantity! < 0)
        return c.json({ message: 'quantity: a whole number of 0 or more' }, 400);
      const summaries = new Set(
        world.pax8.usageSummaries.filter((u) => u.subscriptionId === body.subscriptionId).map((u) => u.id),
      );
      const lines = world.pax8.usageLines.filter(
        (l) => summaries.has(l.usageSummaryId) && l.productName === body.productName && l.usageDate === body.usageDate,
      );
      if (lines.length === 0) return c.json({ message: 'no such usage line' }, 404);
      for (const l of lines) {
        const cost = l.quantity === 0 ? 0 : l.partnerTotal / l.quantity;
        Object.assign(l, {
          quantity: body.quantity,
          partnerTotal: money(cost * body.quantity!),
          currentCharges: money(l.unitPrice * body.quantity!),
          currentProfit: money((l.unitPrice - cost) * body.quantity!),
        });
      }
      return c.json(lines);
    });
    admin.put('/quirks', async (c) => {
      const parsed = quirksSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success)
        return c.json({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, 400);
      Object.assign(pax8.quirks, parsed.data);
      return c.json(pax8.quirks);
    });
  };
}

/** Pax8's sandbox: its partner API with OAuth client credentials, quirks switchable at run time. */
export const pax8Sandbox: DistributorSandbox<RunningPax8> = {
  kind: 'pax8',
  portVariable: 'SANDBOX_PAX8_PORT',
  defaultPort: 8789,
  build({ world, latencyMs, quirks }) {
    const pax8 = createPax8Sandbox({
      world: world.pax8,
      quirks,
      control: createControl({ faults: { latencyMs, rules: [] } }),
    });
    const app = new Hono().route('/__sandbox', adminRoutes(pax8.control, pax8Admin(pax8, world))).route('/', pax8.app);
    return {
      app,
      listening: (url) => Object.assign(pax8, { url, baseUrl: `${url}/v1`, tokenUrl: `${url}/oauth/token` }),
    };
  },
  credentials: (s, world) => ({
    clientId: world.pax8.clientId,
    clientSecret: world.pax8.clientSecret,
    baseUrl: s.baseUrl,
    tokenUrl: s.tokenUrl,
    audience: 'https://api.pax8.com',
  }),
  describe: (s, world) => [
    `Pax8         ${s.baseUrl}`,
    `  token URL ${s.tokenUrl}, audience https://api.pax8.com`,
    `  client id ${world.pax8.clientId}, client secret ${world.pax8.clientSecret}`,
    `  quirks: ${s.url}/__sandbox/quirks`,
  ],
};
