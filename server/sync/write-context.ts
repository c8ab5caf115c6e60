import type { Database } from '../../db/client.ts';
import type { Scope } from '../../db/queries/scope.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { Actor } from '../audit.ts';
import type { CwClient } from '../connectwise/client.ts';

export interface WriteContext {
  db: Database;
  tenant: Tenant;
  /** The distributor kind the subscriptions written for belong to. */
  distributor: string;
  actor: Actor;
  cw: CwClient;
  now: () => Date;
  syncRunId?: string;
  /** How long a claim lasts without renewal (default 60 s); its writer renews it every third of that. */
  leaseMs?: number;
}

/** Whose operations a write context reads and writes. */
export const scopeOf = (ctx: WriteContext): Scope => ({ tenantId: ctx.tenant.id, distributor: ctx.distributor });

/** Names for the adjustment log. */
export interface WriteMeta {
  companyName?: string;
  productName?: string;
}
