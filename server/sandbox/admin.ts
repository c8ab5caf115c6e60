import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { SandboxControl } from './faults.ts';

const ruleSchema = z.object({
  method: z.string().optional(),
  path: z
    .string()
    .min(1)
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'path must be a regular expression'),
  latencyMs: z.number().int().min(0).optional(),
  status429: z.number().int().min(0).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  status500: z.number().int().min(0).optional(),
  status503: z.number().int().min(0).optional(),
  timeoutAfterCommit: z.number().int().min(0).optional(),
  refuse: z.number().int().min(0).optional(),
  refuseField: z.string().max(100).optional(),
  refuseMessage: z.string().max(500).optional(),
});
const configSchema = z.object({
  latencyMs: z.number().int().min(0).default(0),
  rules: z.array(ruleSchema).default([]),
});

/**
 * `/__sandbox/*`: the switches tests, benchmarks and demos use to make a sandbox misbehave the
 * way the real service can, and to read what it was asked.
 */
export function adminRoutes(control: SandboxControl, extra?: (app: Hono) => void) {
  const app = new Hono();
  const bad = (message: string) =>
    new Response(JSON.stringify({ message }), { status: 400, headers: { 'content-type': 'application/json' } });
  app.get('/faults', (c) => c.json(control.faults));
  app.put('/faults', async (c) => {
    const parsed = configSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return bad(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    control.faults = parsed.data;
    return c.json(control.faults);
  });
  app.post('/faults/rules', async (c) => {
    const parsed = ruleSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return bad(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    control.faults.rules.push(parsed.data);
    return c.json(control.faults);
  });
  app.delete('/faults', (c) => {
    control.faults = { latencyMs: 0, rules: [] };
    return c.json(control.faults);
  });
  app.put('/rate-limit', async (c) => {
    const parsed = z
      .object({ perMinute: z.number().int().positive().nullable() })
      .safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return bad('perMinute must be a positive whole number or null');
    control.rateLimitPerMinute = parsed.data.perMinute;
    return c.json({ perMinute: control.rateLimitPerMinute });
  });
  app.get('/requests', (c) => {
    const since = Number(c.req.query('since') ?? 0);
    return c.json(control.log.filter((e) => e.at >= since));
  });
  app.delete('/requests', (c) => {
    control.log.length = 0;
    return c.json({ cleared: true });
  });
  extra?.(app);
  return app;
}

const quantityChangeSchema = z.object({ quantity: z.number().int().min(1), at: z.iso.datetime().optional() });

/**
 * A change of seats as a partner makes it in a distributor's portal: the new quantity and,
 * unless `at` says otherwise, midday of the sandbox's today. Either the change or a 400.
 */
export async function quantityChange(c: Context, today: string): Promise<{ quantity: number; at: string } | Response> {
  const parsed = quantityChangeSchema.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success)
    return c.json({ message: 'quantity must be a whole number of at least 1; at, if given, an ISO date-time' }, 400);
  return { quantity: parsed.data.quantity, at: parsed.data.at ?? `${today}T12:00:00Z` };
}

/**
 * `PUT /paging {limit}`: the most records one page holds, whatever a client asks, as a server
 * that caps its pages does; how a test puts a few records on several pages.
 */
export function pagingAdmin(paging: { limit: number }) {
  return (admin: Hono) => {
    admin.put('/paging', async (c) => {
      const body = (await c.req.json().catch(() => null)) as { limit?: unknown } | null;
      if (!body || !Number.isInteger(body.limit) || (body.limit as number) < 1)
        return c.json({ message: 'limit: a whole number of 1 or more' }, 400);
      paging.limit = body.limit as number;
      return c.json(paging);
    });
  };
}
