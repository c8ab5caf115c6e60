import { z } from 'zod/mini';

export const healthReportSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  sandbox: z.boolean(),
  database: z.object({
    driver: z.enum(['pglite', 'postgres']),
    migration: z.nullable(z.object({ tag: z.string(), generatedAt: z.string() })),
  }),
});

export type HealthReport = z.infer<typeof healthReportSchema>;
