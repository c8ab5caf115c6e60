import { DateTime } from 'luxon';
import { GUIDE_COMPANIES, looseVariant, NAME_PARTS, PRODUCT_SEEDS } from './catalog-data.ts';
import {
  addAgreements,
  addCurrencyAgreements,
  companyMaker,
  connectWiseWorld,
  generateCatalog,
  slug,
  TAMPA,
} from './connectwise/generate.ts';
import { generateIonWorld } from './ion/seed.ts';
import { addInvoices, addSubscriptions, pax8Company, pax8Products, pax8World } from './pax8/generate.ts';
import { prng } from './prng.ts';
import { seedSophos } from './sophos/seed.ts';
import type { CwCompanyRecord, World } from './world.ts';

export interface SeedOptions {
  seed?: number;
  /** Pax8 companies; ConnectWise gets the matching ones plus about 10% of its own. */
  companies?: number;
  /** Subscriptions in all (at least one per company that has any). */
  subscriptions?: number;
  /** ISO date the data is generated around. */
  today: string;
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
const isoDay = (d: DateTime) => d.toUTC().toISODate()!;

/**
 * Builds a consistent ConnectWise and Pax8 pair (each vendor's part in its own folder's
 * `generate.ts`; this walks them in the one order that keeps a seed's world the same): companies that match exactly, loosely or not
 * at all; agreements active, cancelled, expired, prorating or not, some invoiced ahead; a
 * catalog where some Pax8 products already have items; subscriptions of every term with
 * mid-month changes in their history, cancellations, commitments and usage products.
 * The same options always give the same world.
 */
export function generateWorld(options: SeedOptions): World {
  const seed = options.seed ?? 42;
  const rng = prng(seed);
  const today = DateTime.fromISO(options.today, { zone: 'utc' }).startOf('day');
  const companyCount = Math.max(1, options.companies ?? 12);
  const subscriptionTarget = options.subscriptions ?? companyCount * 4;
  const stamp = { lastUpdated: iso(today.minus({ days: 30 })), updatedBy: 'sandbox' };

  const { products, pricing, seedOf } = pax8Products(rng);
  const { catalog, catalogFor } = generateCatalog(products, seedOf, PRODUCT_SEEDS[0]!, stamp);
  const cw = connectWiseWorld(catalog);
  const pax8 = pax8World(products, pricing);

  // Names: the guides' customers first, then generated ones with a mix of match kinds.
  const pairs: { pax8: string; cw: string | null }[] = GUIDE_COMPANIES.filter((g) => !g.cwOnly).slice(0, companyCount);
  const usedNames = new Set(pairs.map((p) => p.pax8));
  for (let i = pairs.length; i < companyCount; i++) {
    let name: string;
    do {
      name = `${rng.pick(NAME_PARTS.first)} ${rng.pick(NAME_PARTS.second)}${rng.pick(NAME_PARTS.suffix)}`;
    } while (usedNames.has(name) && usedNames.size < 4000);
    if (usedNames.has(name)) name = `${name} ${i}`;
    usedNames.add(name);
    const kind = i % 10;
    pairs.push({ pax8: name, cw: kind === 9 ? null : kind >= 7 ? looseVariant(name, i) : name });
  }
  const cwOnly = [
    ...GUIDE_COMPANIES.filter((g) => g.cwOnly).map((g) => g.cw!),
    ...Array.from(
      { length: Math.floor(companyCount / 10) },
      (_, i) => `${rng.pick(NAME_PARTS.first)} ${rng.pick(NAME_PARTS.second)} ${i + 1}`,
    ),
  ];

  const makeCwCompany = companyMaker(stamp);
  const cwCompanyByPax8 = new Map<string, CwCompanyRecord>();
  for (const pair of pairs) {
    const domain = `${slug(pair.pax8)}.com`;
    const company = pax8Company(rng, pair.pax8, domain, today);
    pax8.companies.push(company);
    if (pair.cw) {
      const cwCompany = makeCwCompany(pair.cw, rng.chance(0.7) ? `https://${domain}` : null);
      cw.companies.push(cwCompany);
      cwCompanyByPax8.set(company.id, cwCompany);
    }
  }
  for (const name of cwOnly) cw.companies.push(makeCwCompany(name, null, TAMPA));

  addAgreements(cw, today, stamp);
  addSubscriptions(rng, today, { pax8, cw, seedOf, catalogFor, cwCompanyByPax8, stamp, target: subscriptionTarget });
  addInvoices(rng, today, pax8);
  const ion = generateIonWorld({ seed, today: isoDay(today), cwCompanies: cw.companies });
  addCurrencyAgreements(cw, ion);
  const sophos = seedSophos(cw, isoDay(today));
  // The MSP's own company in Manage (type Owner), last so no customer's ids move: where the
  // digest's ticket goes.
  cw.companies.push({
    ...makeCwCompany('Sandbox MSP', 'https://sandbox-msp.example', TAMPA),
    id: Math.max(...cw.companies.map((c) => c.id)) + 1,
    identifier: cw.companyId,
    types: [{ id: 2, name: 'Owner' }],
  });
  return { today: isoDay(today), seed, cw, pax8, ion, sophos };
}
