import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Whose rows a query may touch: one tenant's, and of those, one distributor's. Mappings,
 * statuses, ignored subscriptions and writes all belong to the distributor they came from.
 */
export interface Scope {
  tenantId: string;
  /** The distributor's kind: `pax8`, `ion`. */
  distributor: string;
}

/** The condition that keeps a query to its scope. */
export const inScope = (table: { tenantId: PgColumn; distributor: PgColumn }, scope: Scope): SQL =>
  and(eq(table.tenantId, scope.tenantId), eq(table.distributor, scope.distributor))!;

/** The columns that put a new row in its scope. */
export const owned = (scope: Scope) => ({ tenantId: scope.tenantId, distributor: scope.distributor });
