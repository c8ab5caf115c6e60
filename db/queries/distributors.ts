import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { tenantDistributors } from '../schema.ts';

export type TenantDistributor = typeof tenantDistributors.$inferSelect;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

const row = (tenantId: string, kind: string) =>
  and(eq(tenantDistributors.tenantId, tenantId), eq(tenantDistributors.kind, kind));

/** The distributors a tenant has connected, the first connected first. */
export const connectedDistributors = (db: Database, tenantId: string): Promise<TenantDistributor[]> =>
  db
    .select()
    .from(tenantDistributors)
    .where(eq(tenantDistributors.tenantId, tenantId))
    .orderBy(asc(tenantDistributors.connectedAt), asc(tenantDistributors.kind));

export async function connectedDistributor(
  db: Database,
  tenantId: string,
  kind: string,
): Promise<TenantDistributor | undefined> {
  const [found] = await db.select().from(tenantDistributors).where(row(tenantId, kind)).limit(1);
  return found;
}

/** Stores credentials a person entered (and tested): a new connection, or new credentials for one. */
export async function connectDistributor(
  db: Database,
  tenantId: string,
  kind: string,
  credentialsEnc: string,
  connectedBy: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<void> {
  const now = at;
  await db
    .insert(tenantDistributors)
    .values({ tenantId, kind, credentialsEnc, connectedBy, connectedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [tenantDistributors.tenantId, tenantDistributors.kind],
      set: { credentialsEnc, connectedBy, connectedAt: now, updatedAt: now },
    });
}

export async function disconnectDistributor(db: Database, tenantId: string, kind: string): Promise<boolean> {
  const removed = await db.delete(tenantDistributors).where(row(tenantId, kind)).returning();
  return removed.length > 0;
}

/**
 * Replaces stored credentials the vendor rotated (a single-use refresh token), only if
 * `stillCurrent` says the stored ones are those that were used: the row is locked meanwhile,
 * so two processes never both replace it.
 */
export function replaceRotatedCredentials(
  db: Database,
  tenantId: string,
  kind: string,
  stillCurrent: (credentialsEnc: string) => boolean,
  next: (credentialsEnc: string) => string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(tenantDistributors).where(row(tenantId, kind)).for('update');
    if (!locked || !stillCurrent(locked.credentialsEnc)) return false;
    await tx
      .update(tenantDistributors)
      .set({ credentialsEnc: next(locked.credentialsEnc), updatedAt: at })
      .where(row(tenantId, kind));
    return true;
  });
}

/**
 * Runs `fn` in a transaction holding the connection's row lock: every other process that asks
 * for the same lock waits, so a single-use credential is spent by one of them at a time.
 */
export function withConnectionLocked<T>(
  db: Database,
  tenantId: string,
  kind: string,
  fn: (tx: Database) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx
      .select({ id: tenantDistributors.tenantId })
      .from(tenantDistributors)
      .where(row(tenantId, kind))
      .for('update');
    return fn(tx as unknown as Database);
  });
}
