import type { Database } from '../../db/client.ts';
import {
  connectedDistributor,
  connectedDistributors,
  replaceRotatedCredentials,
  type TenantDistributor,
  withConnectionLocked,
} from '../../db/queries/distributors.ts';
import { currentImportedLines } from '../../db/queries/imports.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import { type CwOverrides, cwForTenant } from '../connectwise/factory.ts';
import type { SiteCache } from '../connectwise/site.ts';
import type { SecretBox } from '../crypto.ts';
import {
  type CredentialStore,
  DISTRIBUTOR_KINDS,
  type DistributorIo,
  distributorKind,
} from '../distributors/registry.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import { outbound } from '../http/outbound.ts';
import { openApiKeys, openConnection, openDistributor, sealDistributor } from './secrets.ts';

export interface VendorOptions {
  db: Database;
  secrets: SecretBox;
  cw?: CwOverrides;
  /** How every distributor client talks (tests count and speed up calls through it). */
  distributors?: DistributorIo;
  /** When a rotated credential is stored, by the clock the process was given. */
  now: () => Date;
  /** Sandbox mode reaches loopback sandboxes; otherwise every request goes to public addresses only. */
  sandbox: boolean;
}

/** A distributor a tenant has connected, with its client. */
export interface Connected {
  kind: string;
  displayName: string;
  distributor: Distributor;
}

/**
 * Each tenant's vendor clients. A distributor client is kept per tenant and kind, so its
 * token is reused, until a person enters new credentials; ConnectWise clients are cheap and
 * made per call with whoever acts.
 */
export function createVendors(options: VendorOptions) {
  const siteCache: SiteCache = options.cw?.siteCache ?? new Map();
  const io = {
    cw: { ...options.cw, fetch: outbound(options.sandbox, options.cw?.fetch) },
    distributors: { ...options.distributors, fetch: outbound(options.sandbox, options.distributors?.fetch) },
  };
  const clients = new Map<string, { connectedAt: number; distributor: Distributor }>();

  /** The stored credentials, read again each time: a rotating token changes under the client. */
  const storeFor = (row: TenantDistributor, db: Database = options.db): CredentialStore => ({
    async read() {
      const current = await connectedDistributor(db, row.tenantId, row.kind);
      if (!current) throw new AppError('conflict', 'This distributor was disconnected; connect it again.');
      return openConnection(options.secrets, current);
    },
    replace: (stillCurrent, next) =>
      replaceRotatedCredentials(
        db,
        row.tenantId,
        row.kind,
        (sealed) => stillCurrent(openDistributor(options.secrets, row.tenantId, row.kind, sealed)),
        (sealed) =>
          sealDistributor(
            options.secrets,
            row.tenantId,
            row.kind,
            next(openDistributor(options.secrets, row.tenantId, row.kind, sealed)),
          ),
        options.now(),
      ),
    // Only the outermost store locks: inside the lock, the transaction already holds the row.
    ...(db === options.db
      ? {
          lock: <T>(fn: (store: CredentialStore) => Promise<T>) =>
            withConnectionLocked(options.db, row.tenantId, row.kind, (tx) => fn(storeFor(row, tx))),
        }
      : {}),
  });

  function open(row: TenantDistributor): Connected {
    const kind = distributorKind(row.kind);
    if (!kind)
      throw new AppError('conflict', `This tenant is connected to "${row.kind}", which this version cannot read.`);
    const key = `${row.tenantId}:${row.kind}`;
    const known = clients.get(key);
    if (!known || known.connectedAt !== row.connectedAt.getTime()) {
      const distributor = kind.open(openConnection(options.secrets, row), storeFor(row), io.distributors, {
        tenantId: row.tenantId,
        key: row.kind,
        importedLines: (only) => currentImportedLines(options.db, row.tenantId, row.kind, only),
      });
      clients.set(key, { connectedAt: row.connectedAt.getTime(), distributor });
    }
    // A file source is known by the name it was given, not its kind's.
    const distributor = clients.get(key)!.distributor;
    return { kind: row.kind, displayName: distributor.displayName, distributor };
  }

  return {
    cw(tenant: Tenant, auth: CwAuth, extra: CwOverrides = {}) {
      return cwForTenant(tenant, auth, { ...io.cw, siteCache, ...extra });
    },
    /** The integration's own API member, for work no person started (the scheduled sync). */
    apiMemberCw(tenant: Tenant, extra: CwOverrides = {}) {
      const keys = openApiKeys(options.secrets, tenant);
      if (!keys)
        throw new AppError('conflict', `Tenant ${tenant.name} has no API member keys; run tenant setup again.`);
      return cwForTenant(tenant, { kind: 'apiMember', ...keys }, { ...io.cw, siteCache, ...extra });
    },
    /** Every distributor the tenant has connected, the first connected first. */
    async distributors(tenant: Tenant): Promise<Connected[]> {
      // Connected at the same moment (one setup), the registry's order decides which comes first.
      const order = (key: string) => DISTRIBUTOR_KINDS.indexOf(distributorKind(key)!);
      return (await connectedDistributors(options.db, tenant.id))
        .sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime() || order(a.kind) - order(b.kind))
        .map(open);
    },
    /** One connected distributor, by kind. */
    async distributor(tenant: Tenant, kind: string): Promise<Connected> {
      const row = await connectedDistributor(options.db, tenant.id, kind);
      if (!row)
        throw new AppError(
          'conflict',
          `${distributorKind(kind)?.displayName ?? kind} is not connected for ${tenant.name}; an admin connects it on the Connections page.`,
        );
      return open(row);
    },
  };
}

export type Vendors = ReturnType<typeof createVendors>;
