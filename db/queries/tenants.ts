import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { tenants } from '../schema.ts';

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

/**
 * Manage reports its site in several spellings (`https://na.myconnectwise.net/`,
 * `api-na.myconnectwise.net`); tenants are keyed by the bare, lower-case host.
 */
export function normaliseSite(site: string): string {
  return site
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/^api-/, '');
}

export async function findTenantBySite(db: Database, site: string, companyId: string): Promise<Tenant | undefined> {
  const [row] = await db
    .select()
    .from(tenants)
    .where(
      and(eq(tenants.site, normaliseSite(site)), sql`lower(${tenants.companyId}) = ${companyId.trim().toLowerCase()}`),
    )
    .limit(1);
  return row;
}

export async function getTenant(db: Database, id: string): Promise<Tenant | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return row;
}

/** Creates the tenant, or updates the one with the same site and company id. */
export async function upsertTenant(db: Database, tenant: NewTenant & { id: string }, at: Date): Promise<Tenant> {
  const values = { ...tenant, site: normaliseSite(tenant.site) };
  const [row] = await db
    .insert(tenants)
    .values(values)
    .onConflictDoUpdate({
      target: [tenants.site, tenants.companyId],
      set: { ...values, id: sql`${tenants.id}`, updatedAt: at },
    })
    .returning();
  return row!;
}

/** Host origins tenants registered for self-hosted Manage. */
/** A tenant's self-hosted Manage origin, if it has one: framing is allowed for that tenant's pages only. */
export async function tenantOrigin(db: Database, tenantId: string): Promise<string | null> {
  const [row] = await db
    .select({ origin: tenants.allowedOrigin })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return row?.origin ?? null;
}

/** Every tenant, in a stable order (by name), so work over all of them is repeatable. */
export const allTenants = (db: Database) => db.select().from(tenants).orderBy(asc(tenants.name), asc(tenants.id));

/** Tenants by ConnectWise company id (case-insensitive), optionally on one site: for the command line. */
export function tenantsByCompany(db: Database, companyId: string, site?: string) {
  const company = eq(sql`lower(${tenants.companyId})`, companyId.toLowerCase());
  return db
    .select()
    .from(tenants)
    .where(site ? and(company, eq(tenants.site, normaliseSite(site))) : company);
}
