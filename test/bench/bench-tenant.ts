import type { Database } from '../../db/client.ts';
import { companyMappings, productMappings, serviceMappings, tenantSettings } from '../../db/schema.ts';
import type { SecretBox } from '../../server/crypto.ts';
import type { World } from '../../server/sandbox/world.ts';
import { setupTenant } from '../../server/tenants/setup.ts';
import type { jobMappings } from './bench-world.ts';

/** Where a benchmark tenant's vendors are, and the keys its world was generated with. */
export interface BenchVendorTenant {
  name: string;
  site: string;
  companyId: string;
  clientId: string;
  publicKey: string;
  privateKey: string;
  pax8: { clientId: string; clientSecret: string; baseUrl: string; tokenUrl: string };
}

/** A benchmark world's tenant, at the sandbox URLs it is served on. */
export function benchVendorTenant(
  name: string,
  world: World,
  urls: { site: string; pax8: string; pax8Token: string },
): BenchVendorTenant {
  const api = world.cw.apiMembers[0]!;
  return {
    name,
    site: urls.site,
    companyId: world.cw.companyId,
    clientId: world.cw.clientId,
    publicKey: api.publicKey,
    privateKey: api.privateKey,
    pax8: {
      clientId: world.pax8.clientId,
      clientSecret: world.pax8.clientSecret,
      baseUrl: urls.pax8,
      tokenUrl: urls.pax8Token,
    },
  };
}

/**
 * Registers a benchmark tenant and maps what `jobMappings` found in its world, with every kind
 * of operation allowed unattended by an authorised member, as an MSP that has finished setup.
 */
export async function setupBenchTenant(
  db: Database,
  secrets: SecretBox,
  vendor: BenchVendorTenant,
  mappings: ReturnType<typeof jobMappings>,
): Promise<string> {
  const { pax8, ...cw } = vendor;
  const { tenant } = await setupTenant(
    { now: () => new Date(), db, secrets, sandbox: true },
    { ...cw, pax8: { ...pax8, audience: 'https://api.pax8.com' } },
  );
  const companyIds = new Map<string, string>();
  const productIds = new Map<string, string>();
  for (const m of mappings) {
    if (!companyIds.has(m.distributorCompanyId)) {
      const [row] = await db
        .insert(companyMappings)
        .values({
          tenantId: tenant.id,
          distributor: 'pax8',
          distributorCompanyId: m.distributorCompanyId,
          distributorCompanyName: m.companyName,
          cwCompanyId: m.cwCompanyId,
          cwCompanyName: m.cwCompanyName,
        })
        .returning({ id: companyMappings.id });
      companyIds.set(m.distributorCompanyId, row!.id);
    }
    if (!productIds.has(m.productId)) {
      const [row] = await db
        .insert(productMappings)
        .values({
          tenantId: tenant.id,
          distributor: 'pax8',
          distributorProductId: m.productId,
          distributorProductName: m.productId,
          cwCatalogItemId: m.catalogItemId,
          cwCatalogIdentifier: m.catalogIdentifier,
        })
        .returning({ id: productMappings.id });
      productIds.set(m.productId, row!.id);
    }
  }
  for (let i = 0; i < mappings.length; i += 500) {
    await db.insert(serviceMappings).values(
      mappings.slice(i, i + 500).map((m) => ({
        tenantId: tenant.id,
        distributor: 'pax8',
        subscriptionId: m.subscriptionId,
        companyMappingId: companyIds.get(m.distributorCompanyId)!,
        productMappingId: productIds.get(m.productId)!,
        cwAgreementId: m.agreementId,
      })),
    );
  }
  await db.insert(tenantSettings).values({
    tenantId: tenant.id,
    autoSync: true,
    unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate', 'usage'],
    approvedBy: 'Benchmark Admin (bench)',
  });
  return tenant.id;
}
