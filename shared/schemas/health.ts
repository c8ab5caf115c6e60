/** What GET /healthz answers. */
export interface HealthReport {
  status: 'ok';
  version: string;
  sandbox: boolean;
  database: { driver: 'pglite' | 'postgres'; migration: { tag: string; generatedAt: string } | null };
}
