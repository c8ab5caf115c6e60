import { Hono } from 'hono';
import { z } from 'zod';
import { adminRoutes } from './admin.ts';
import { type CwSandbox, createCwSandbox } from './connectwise/app.ts';
import { createControl } from './faults.ts';
import { createPax8Sandbox, type Pax8Quirks, type Pax8Sandbox } from './pax8/app.ts';
import { generateWorld, type SeedOptions } from './seed.ts';
import { listen, type RunningServer } from './serve.ts';
import type { World } from './world.ts';

export interface SandboxOptions extends SeedOptions {
  cwPort?: number;
  pax8Port?: number;
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

/** Starts the sandbox ConnectWise and Pax8 on loopback, sharing one generated world. */
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

  const cwApp = new Hono().route('/__sandbox', adminRoutes(cw.control)).route('/', cw.app);
  const pax8App = new Hono()
    .route(
      '/__sandbox',
      adminRoutes(pax8.control, (admin) => {
        admin.get('/quirks', (c) => c.json(pax8.quirks));
        /** Changes a subscription's seats as a partner would in the Pax8 portal, on the sandbox's today unless `at` says otherwise. */
        admin.post('/subscriptions/:id/quantity', async (c) => {
          const parsed = z
            .object({ quantity: z.number().int().min(1), at: z.iso.datetime().optional() })
            .safeParse(await c.req.json().catch(() => null));
          if (!parsed.success)
            return c.json(
              { message: 'quantity must be a whole number of at least 1; at, if given, an ISO date-time' },
              400,
            );
          const sub = world.pax8.subscriptions.find((x) => x.id === c.req.param('id'));
          if (!sub) return c.json({ message: 'no such subscription' }, 404);
          const at = parsed.data.at ?? `${world.today}T12:00:00Z`;
          Object.assign(sub, { quantity: parsed.data.quantity, updatedDate: at });
          world.pax8.history[sub.id] ??= [];
          world.pax8.history[sub.id]!.push({ ...sub });
          return c.json(sub);
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

  const servers: RunningServer[] = [];
  try {
    servers.push(await listen(cwApp, options.cwPort ?? 0));
    servers.push(await listen(pax8App, options.pax8Port ?? 0));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const [cwServer, pax8Server] = servers as [RunningServer, RunningServer];
  return {
    world,
    cw: Object.assign(cw, { url: cwServer.url, site: new URL(cwServer.url).host }),
    pax8: Object.assign(pax8, {
      url: pax8Server.url,
      baseUrl: `${pax8Server.url}/v1`,
      tokenUrl: `${pax8Server.url}/oauth/token`,
    }),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
