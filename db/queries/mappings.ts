import { and, eq, inArray, ne, not, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../client.ts';
import { companyMappings, ignoredSubscriptions, productMappings, serviceMappings } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

export type CompanyMapping = typeof companyMappings.$inferSelect;
export type ProductMapping = typeof productMappings.$inferSelect;
export type ServiceMapping = typeof serviceMappings.$inferSelect;

// Every query takes its scope: no row of another tenant, or of another distributor, can be read or changed.

/** A mapping a person made now: in its scope, mapped, with no error from an earlier try. */
const newMapping = <V extends { by: string }>(scope: Scope, v: V, at: Date) => ({
  ...owned(scope),
  ...v,
  createdBy: v.by,
  status: 'mapped' as const,
  lastError: null,
  updatedAt: at,
});

export const listCompanyMappings = (db: Database, scope: Scope) =>
  db.select().from(companyMappings).where(inScope(companyMappings, scope));

export async function companyMappingByCw(
  db: Database,
  scope: Scope,
  cwCompanyId: number,
): Promise<CompanyMapping | undefined> {
  const [row] = await db
    .select()
    .from(companyMappings)
    .where(
      and(
        inScope(companyMappings, scope),
        eq(companyMappings.cwCompanyId, cwCompanyId),
        eq(companyMappings.status, 'mapped'),
      ),
    )
    .limit(1);
  return row;
}

export async function companyMappingById(db: Database, scope: Scope, id: string): Promise<CompanyMapping | undefined> {
  const [row] = await db
    .select()
    .from(companyMappings)
    .where(and(inScope(companyMappings, scope), eq(companyMappings.id, id)))
    .limit(1);
  return row;
}

export async function companyMappingByDistributor(
  db: Database,
  scope: Scope,
  distributorCompanyId: string,
): Promise<CompanyMapping | undefined> {
  const [row] = await db
    .select()
    .from(companyMappings)
    .where(and(inScope(companyMappings, scope), eq(companyMappings.distributorCompanyId, distributorCompanyId)))
    .limit(1);
  return row;
}

/**
 * Binds (or rebinds) a distributor company. Its paused service mappings resume only onto
 * agreements of the ConnectWise company it is bound to now (`agreementIds`); mappings to
 * another company's agreements are removed, so their subscriptions go back to "choose an
 * agreement" and never bill the old customer.
 */
export async function bindCompany(
  db: Database,
  scope: Scope,
  v: {
    distributorCompanyId: string;
    distributorCompanyName: string;
    cwCompanyId: number;
    cwCompanyName: string;
    by: string;
    agreementIds: readonly number[];
  },
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<CompanyMapping> {
  return db.transaction(async (tx) => {
    const values = {
      ...owned(scope),
      distributorCompanyId: v.distributorCompanyId,
      distributorCompanyName: v.distributorCompanyName,
      cwCompanyId: v.cwCompanyId,
      cwCompanyName: v.cwCompanyName,
      status: 'mapped' as const,
      lastError: null,
      createdBy: v.by,
      updatedAt: at,
    };
    const [row] = await tx
      .insert(companyMappings)
      .values(values)
      .onConflictDoUpdate({
        target: [companyMappings.tenantId, companyMappings.distributor, companyMappings.distributorCompanyId],
        set: values,
      })
      .returning();
    const mine = and(inScope(serviceMappings, scope), eq(serviceMappings.companyMappingId, row!.id));
    const here = v.agreementIds.length > 0 ? inArray(serviceMappings.cwAgreementId, [...v.agreementIds]) : sql`false`;
    await tx.delete(serviceMappings).where(and(mine, not(here)));
    await tx
      .update(serviceMappings)
      .set({ status: 'mapped', updatedAt: at })
      .where(and(mine, here, eq(serviceMappings.status, 'paused')));
    return row!;
  });
}

/** Unbinds a company. Its service mappings are kept but paused, so a rebind picks them up. */
export async function unbindCompany(
  db: Database,
  scope: Scope,
  mappingId: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<{ mapping: CompanyMapping; paused: number } | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(companyMappings)
      .set({
        status: 'unmapped',
        cwCompanyId: null,
        cwCompanyName: null,
        defaultAgreementId: null,
        updatedAt: at,
      })
      .where(and(inScope(companyMappings, scope), eq(companyMappings.id, mappingId)))
      .returning();
    if (!row) return undefined;
    const paused = await tx
      .update(serviceMappings)
      .set({ status: 'paused', updatedAt: at })
      .where(and(inScope(serviceMappings, scope), eq(serviceMappings.companyMappingId, mappingId)))
      .returning({ id: serviceMappings.id });
    return { mapping: row, paused: paused.length };
  });
}

export async function countServiceMappings(db: Database, scope: Scope, companyMappingId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(serviceMappings)
    .where(and(inScope(serviceMappings, scope), eq(serviceMappings.companyMappingId, companyMappingId)));
  return row?.n ?? 0;
}

export async function setDefaultAgreement(
  db: Database,
  scope: Scope,
  mappingId: string,
  agreementId: number | null,
  at: Date,
) {
  await db
    .update(companyMappings)
    .set({ defaultAgreementId: agreementId, updatedAt: at })
    .where(and(inScope(companyMappings, scope), eq(companyMappings.id, mappingId)));
}

export const listProductMappings = (db: Database, scope: Scope) =>
  db.select().from(productMappings).where(inScope(productMappings, scope));

export async function bindProduct(
  db: Database,
  scope: Scope,
  v: {
    distributorProductId: string;
    subProduct: string;
    distributorProductName: string;
    cwCatalogItemId: number;
    cwCatalogIdentifier: string;
    by: string;
  },
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<ProductMapping> {
  // Binding (again) resumes its usage sync.
  const values = { ...newMapping(scope, v, at), usageSync: true };
  const [row] = await db
    .insert(productMappings)
    .values(values)
    .onConflictDoUpdate({
      target: [
        productMappings.tenantId,
        productMappings.distributor,
        productMappings.distributorProductId,
        productMappings.subProduct,
      ],
      set: values,
    })
    .returning();
  return row!;
}

export async function unbindProduct(
  db: Database,
  scope: Scope,
  mappingId: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<ProductMapping | undefined> {
  const [row] = await db
    .update(productMappings)
    .set({
      status: 'unmapped',
      cwCatalogItemId: null,
      cwCatalogIdentifier: null,
      // Unbinding stops its usage sync; only binding it again resumes it.
      usageSync: false,
      updatedAt: at,
    })
    .where(and(inScope(productMappings, scope), eq(productMappings.id, mappingId)))
    .returning();
  return row;
}

export async function serviceMappingsFor(
  db: Database,
  scope: Scope,
  subscriptionIds: readonly string[],
): Promise<ServiceMapping[]> {
  if (subscriptionIds.length === 0) return [];
  return db
    .select()
    .from(serviceMappings)
    .where(and(inScope(serviceMappings, scope), inArray(serviceMappings.subscriptionId, [...subscriptionIds])));
}

export async function mapService(
  db: Database,
  scope: Scope,
  v: {
    subscriptionId: string;
    companyMappingId: string;
    productMappingId: string | null;
    cwAgreementId: number;
    by: string;
  },
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<ServiceMapping> {
  const values = newMapping(scope, v, at);
  const [row] = await db
    .insert(serviceMappings)
    .values(values)
    .onConflictDoUpdate({
      target: [serviceMappings.tenantId, serviceMappings.distributor, serviceMappings.subscriptionId],
      // Moving a subscription to another agreement keeps the history of what was written.
      set: {
        companyMappingId: v.companyMappingId,
        productMappingId: v.productMappingId,
        cwAgreementId: v.cwAgreementId,
        status: 'mapped',
        lastError: null,
        updatedAt: at,
      },
    })
    .returning();
  return row!;
}

export async function unmapService(db: Database, scope: Scope, subscriptionId: string): Promise<boolean> {
  const rows = await db
    .delete(serviceMappings)
    .where(and(inScope(serviceMappings, scope), eq(serviceMappings.subscriptionId, subscriptionId)))
    .returning({ id: serviceMappings.id });
  return rows.length > 0;
}

export async function ignoredIds(db: Database, scope: Scope): Promise<Set<string>> {
  const rows = await db
    .select({ id: ignoredSubscriptions.subscriptionId })
    .from(ignoredSubscriptions)
    .where(inScope(ignoredSubscriptions, scope));
  return new Set(rows.map((r) => r.id));
}

export const listServiceMappings = (db: Database, scope: Scope) =>
  db.select().from(serviceMappings).where(inScope(serviceMappings, scope));

export async function serviceMappingFor(
  db: Database,
  scope: Scope,
  subscriptionId: string,
): Promise<ServiceMapping | undefined> {
  const [row] = await serviceMappingsFor(db, scope, [subscriptionId]);
  return row;
}

/** The product's own binding (not its sub-products'), mapped or not. */
export const productMappingsOf = (db: Database, scope: Scope, distributorProductId: string) =>
  db
    .select()
    .from(productMappings)
    .where(
      and(
        inScope(productMappings, scope),
        eq(productMappings.distributorProductId, distributorProductId),
        eq(productMappings.subProduct, ''),
      ),
    );

/** A usage product's binding and its sub-products', mapped or not. */
export const productBindingsWithSubProducts = (db: Database, scope: Scope, distributorProductId: string) =>
  db
    .select()
    .from(productMappings)
    .where(and(inScope(productMappings, scope), eq(productMappings.distributorProductId, distributorProductId)));

/**
 * Where the tenant's other distributors bill: the agreements their subscriptions are mapped to,
 * and the catalog items their products are bound to. A line of an item on an agreement both
 * name may be theirs, so it is never taken over without a person.
 */
export async function otherDistributorsBilling(
  db: Database,
  scope: Scope,
): Promise<{ agreements: Map<number, Set<string>>; items: Map<number, Set<string>> }> {
  const others = (t: { tenantId: PgColumn; distributor: PgColumn; status: PgColumn }) =>
    and(eq(t.tenantId, scope.tenantId), ne(t.distributor, scope.distributor), eq(t.status, 'mapped'));
  const [services, products] = await Promise.all([
    db
      .selectDistinct({ distributor: serviceMappings.distributor, id: serviceMappings.cwAgreementId })
      .from(serviceMappings)
      .where(others(serviceMappings)),
    db
      .selectDistinct({ distributor: productMappings.distributor, id: productMappings.cwCatalogItemId })
      .from(productMappings)
      .where(others(productMappings)),
  ]);
  const index = (rows: { distributor: string; id: number | null }[]) => {
    const map = new Map<number, Set<string>>();
    for (const r of rows) if (r.id !== null) map.set(r.id, (map.get(r.id) ?? new Set()).add(r.distributor));
    return map;
  };
  return { agreements: index(services), items: index(products) };
}
