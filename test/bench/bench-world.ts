import { generateWorld } from '../../server/sandbox/seed.ts';
import type { CwAdditionRecord, World } from '../../server/sandbox/world.ts';

export const BENCH_TODAY = '2026-11-22';
const BIG = { companies: 500, subscriptions: 5000 };

/**
 * The benchmark tenant: 500 companies and 5,000 subscriptions, and 5,000 additions spread
 * evenly over 400 active agreements. Deterministic, so the sandbox process and the
 * benchmark build the same world independently.
 */
export function benchWorld(): World {
  const world = generateWorld({ today: BENCH_TODAY, companies: 500, subscriptions: 5000 });
  const active = world.cw.agreements.filter((a) => !a.cancelledFlag).slice(0, 400);
  const item = world.cw.catalog.find((i) => i.productClass !== 'Bundle')!;
  const template = world.cw.additions[0]!;
  const additions: CwAdditionRecord[] = [];
  for (let i = 0; i < 5000; i++) {
    additions.push({
      ...template,
      id: 500_000 + i,
      agreementId: active[i % active.length]!.id,
      product: { id: item.id, identifier: item.identifier, name: item.description },
      quantity: 1 + (i % 40),
    });
  }
  world.cw.additions.splice(0, world.cw.additions.length, ...additions);
  return world;
}

/**
 * The scheduled-sync benchmark tenant: 500 companies and 5,000 subscriptions by default, every
 * product in the catalog, and ConnectWise billing exactly what Pax8 says (steady state).
 * Mappings are derived from it by `jobMappings`.
 */
export function jobBenchWorld(size: { companies: number; subscriptions: number; seed?: number } = BIG): World {
  const world = generateWorld({ today: BENCH_TODAY, ...size });
  const { cw, pax8 } = world;
  let itemId = 700_000;
  for (const p of pax8.products) {
    if (cw.catalog.some((i) => i.identifier === p.sku)) continue;
    cw.catalog.push({
      ...cw.catalog[0]!,
      id: ++itemId,
      identifier: p.sku,
      description: `Pax8 - ${p.name}`.slice(0, 60),
      productClass: 'Service',
      vendorSku: p.sku,
    });
  }
  const additions: CwAdditionRecord[] = [];
  let additionId = 800_000;
  for (const m of jobMappings(world)) {
    const sub = pax8.subscriptions.find((s) => s.id === m.subscriptionId)!;
    if (sub.endDate) continue;
    const item = cw.catalog.find((i) => i.id === m.catalogItemId)!;
    additions.push({
      ...cw.additions[0]!,
      id: ++additionId,
      agreementId: m.agreementId,
      product: { id: item.id, identifier: item.identifier, name: item.description },
      quantity: sub.quantity,
      unitPrice: sub.price,
      unitCost: sub.partnerCost,
      effectiveDate: cw.agreements.find((a) => a.id === m.agreementId)!.billStartDate,
      cancelledDate: sub.commitmentTerm ? `${sub.commitmentTerm.endDate.slice(0, 10)}T00:00:00Z` : null,
      serialNumber: null,
    });
  }
  cw.additions.splice(0, cw.additions.length, ...additions);
  return world;
}

/** Every seat subscription of a company that ConnectWise has, mapped to its first open agreement. */
export function jobMappings(world: World) {
  const { cw, pax8 } = world;
  const out: {
    subscriptionId: string;
    distributorCompanyId: string;
    companyName: string;
    cwCompanyId: number;
    cwCompanyName: string;
    agreementId: number;
    productId: string;
    catalogItemId: number;
    catalogIdentifier: string;
  }[] = [];
  for (const company of pax8.companies) {
    const cwCompany = cw.companies.find((c) => c.name === company.name);
    if (!cwCompany) continue;
    const agreement = cw.agreements.find(
      (a) => a.company.id === cwCompany.id && !a.cancelledFlag && a.agreementStatus === 'Active',
    );
    if (!agreement) continue;
    for (const sub of pax8.subscriptions.filter((s) => s.companyId === company.id && s.price > 0)) {
      const product = pax8.products.find((p) => p.id === sub.productId)!;
      const item = cw.catalog.find((i) => i.identifier === product.sku);
      if (!item) continue;
      out.push({
        subscriptionId: sub.id,
        distributorCompanyId: company.id,
        companyName: company.name,
        cwCompanyId: cwCompany.id,
        cwCompanyName: cwCompany.name,
        agreementId: agreement.id,
        productId: product.id,
        catalogItemId: item.id,
        catalogIdentifier: item.identifier,
      });
    }
  }
  return out;
}
