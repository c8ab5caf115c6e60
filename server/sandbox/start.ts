import { Hono } from 'hono';
import { z } from 'zod';
import { adminRoutes, pagingAdmin, quantityChange } from './admin.ts';
import { type CwSandbox, createCwSandbox } from './connectwise/app.ts';
import { createControl } from './faults.ts';
import { ionAdmin } from './ion/admin.ts';
import { createIonSandbox, type IonSandbox } from './ion/app.ts';
import { type MailCatcher, startMailCatcher } from './mail/catcher.ts';
import { createPax8Sandbox, type Pax8Quirks, type Pax8Sandbox } from './pax8/app.ts';
import { invoiceAdmin } from './pax8/invoice-admin.ts';
import { generateWorld, type SeedOptions } from './seed.ts';
import { listen, type RunningServer } from './serve.ts';
import { createSophosSandbox, type SophosSandbox } from './sophos/app.ts';
import { money } from './usage-seed.ts';
import type { World } from './world.ts';

export interface SandboxOptions extends SeedOptions {
  cwPort?: number;
  pax8Port?: number;
  ionPort?: number;
  sophosPort?: number;
  /** The mail catcher's SMTP and inbox ports (0: any free one). */
  smtpPort?: number;
  inboxPort?: number;
  /** Latency added to every vendor call (the benchmarks use 50 ms). */
  latencyMs?: number;
  /** Manage's per-minute limit; null turns it off. */
  cwRateLimitPerMinute?: number | null;
  quirks?: Partial<Pax8Quirks>;
  world?: World;
}

export interface RunningSandboxes {
  world: World;
  cw: CwSandbox & { url: string; site: string };
  pax8: Pax8Sandbox & { url: string; baseUrl: string; tokenUrl: string };
  ion: IonSandbox & { url: string };
  sophos: SophosSandbox & { url: string; tokenUrl: string };
  /** Where digests go in sandbox mode, and where a person reads them. */
  mail: MailCatcher;
  close: () => Promise<void>;
}

const quirksSchema = z
  .object({
    missingQuantityEvery: z.number().int().min(0),
    dateOnly: z.boolean(),
    colonlessOffset: z.boolean(),
    commitmentRenamed: z.boolean(),
    lowerCaseEnums: z.boolean(),
  })
  .partial();

/** Starts the sandbox ConnectWise, Pax8 and StreamOne Ion on loopback, sharing one generated world. */
export async function startSandboxes(options: SandboxOptions): Promise<RunningSandboxes> {
  const world = options.world ?? generateWorld(options);
  const latency = { latencyMs: options.latencyMs ?? 0, rules: [] };
  const cw = createCwSandbox({
    world: world.cw,
    today: () => world.today,
    control: createControl({
      faults: structuredClone(latency),
      rateLimitPerMinute: options.cwRateLimitPerMinute === undefined ? 1000 : options.cwRateLimitPerMinute,
    }),
  });
  const pax8 = createPax8Sandbox({
    world: world.pax8,
    quirks: options.quirks,
    control: createControl({ faults: structuredClone(latency) }),
  });
  const ion = createIonSandbox({ world: world.ion, control: createControl({ faults: structuredClone(latency) }) });
  let sophosUrl = '';
  const sophos = createSophosSandbox({
    world: world.sophos,
    control: createControl({ faults: structuredClone(latency) }),
    apiHost: () => sophosUrl,
  });

  const cwApp = new Hono().route('/__sandbox', adminRoutes(cw.control)).route('/', cw.app);
  const pax8App = new Hono()
    .route(
      '/__sandbox',
      adminRoutes(pax8.control, (admin) => {
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
            (l) =>
              summaries.has(l.usageSummaryId) && l.productName === body.productName && l.usageDate === body.usageDate,
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
            return c.json(
              { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
              400,
            );
          Object.assign(pax8.quirks, parsed.data);
          return c.json(pax8.quirks);
        });
      }),
    )
    .route('/', pax8.app);
  const ionApp = new Hono()
    .route(
      '/__sandbox',
      adminRoutes(
        ion.control,
        ionAdmin(ion, () => world.today),
      ),
    )
    .route('/', ion.app);
  const sophosApp = new Hono()
    .route('/__sandbox', adminRoutes(sophos.control, pagingAdmin(sophos.paging)))
    .route('/', sophos.app);

  const servers: RunningServer[] = [];
  try {
    servers.push(await listen(cwApp, options.cwPort ?? 0));
    servers.push(await listen(pax8App, options.pax8Port ?? 0));
    servers.push(await listen(ionApp, options.ionPort ?? 0));
    servers.push(await listen(sophosApp, options.sophosPort ?? 0));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const [cwServer, pax8Server, ionServer, sophosServer] = servers as [
    RunningServer,
    RunningServer,
    RunningServer,
    RunningServer,
  ];
  sophosUrl = sophosServer.url;
  let mail: MailCatcher;
  try {
    mail = await startMailCatcher({ smtpPort: options.smtpPort, httpPort: options.inboxPort });
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  return {
    world,
    cw: Object.assign(cw, { url: cwServer.url, site: new URL(cwServer.url).host }),
    pax8: Object.assign(pax8, {
      url: pax8Server.url,
      baseUrl: `${pax8Server.url}/v1`,
      tokenUrl: `${pax8Server.url}/oauth/token`,
    }),
    ion: Object.assign(ion, { url: ionServer.url }),
    sophos: Object.assign(sophos, { url: sophosServer.url, tokenUrl: `${sophosServer.url}/api/v2/oauth2/token` }),
    mail,
    close: async () => {
      await Promise.all([...servers.map((s) => s.close()), mail.close()]);
    },
  };
}
