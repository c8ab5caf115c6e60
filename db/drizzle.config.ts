import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; migrations are applied at start-up by db/migrate.ts,
// so no connection is configured here.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
