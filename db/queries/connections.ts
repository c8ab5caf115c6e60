import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { connectionChecks } from '../schema.ts';

export type ConnectionCheck = typeof connectionChecks.$inferSelect;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

export async function recordChecks(
  db: Database,
  tenantId: string,
  rows: Omit<typeof connectionChecks.$inferInsert, 'tenantId' | 'id' | 'checkedAt'>[],
): Promise<void> {
  if (rows.length > 0) await db.insert(connectionChecks).values(rows.map((r) => ({ ...r, tenantId })));
}

/** The tenant's latest checks, newest first. */
export const recentChecks = (db: Database, tenantId: string, limit = 20) =>
  db
    .select()
    .from(connectionChecks)
    .where(eq(connectionChecks.tenantId, tenantId))
    .orderBy(desc(connectionChecks.checkedAt), desc(connectionChecks.id))
    .limit(limit);

/** When a connection last worked, or null if it never has been seen to. */
export async function lastSuccess(db: Database, tenantId: string, connection: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: connectionChecks.checkedAt })
    .from(connectionChecks)
    .where(
      and(
        eq(connectionChecks.tenantId, tenantId),
        eq(connectionChecks.connection, connection),
        eq(connectionChecks.ok, true),
      ),
    )
    .orderBy(desc(connectionChecks.checkedAt))
    .limit(1);
  return row?.at ?? null;
}
