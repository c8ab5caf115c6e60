import { generateWorld } from '../../server/sandbox/seed.ts';
import { createMatcher } from '../../shared/matching/suggest.ts';
import { answer, signedIn } from '../helpers/api.ts';
import { startStack } from '../helpers/stack.ts';
import type { Figure } from './report.ts';
import { median } from './sandbox-handle.ts';

/** Suggestions for 1,000 Pax8 companies against 3,000 ConnectWise companies (index build included). */
function benchSuggestions(): Figure[] {
  const world = generateWorld({ today: '2026-11-22', companies: 3000, subscriptions: 3000 });
  const cw = world.cw.companies.slice(0, 3000).map((c) => ({ id: c.id, name: c.name, website: c.website }));
  const pax8 = world.pax8.companies.slice(0, 1000);
  const runs: number[] = [];
  let found = 0;
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    const matcher = createMatcher(cw);
    found = 0;
    for (const p of pax8) if (matcher.suggest(p.name, p.website, 5).length > 0) found++;
    if (run > 0) runs.push(performance.now() - started);
  }
  const ms = median(runs);
  return [
    {
      name: `suggestions, ${pax8.length} Pax8 × ${cw.length} ConnectWise companies`,
      value: ms,
      unit: 'ms',
      target: '≤ 200',
      pass: ms <= 200,
    },
    { name: 'Pax8 companies with at least one suggestion', value: found, unit: 'companies' },
  ];
}

/** GET /api/companies/:id/tab for a bound company with 200 mapped subscriptions, on PGlite. */
async function benchCompanyTab(): Promise<Figure[]> {
  const stack = await startStack({ sandbox: { companies: 5, subscriptions: 1000 } });
  try {
    const call = await signedIn(stack, 'jdoe');
    const world = stack.sandboxes.world;
    const company = world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const pax8 = world.pax8.companies.find((c) => c.name === 'Oxford Senior Living')!;
    await answer(call['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: company.id } }));
    const agreement = world.cw.agreements.find((a) => a.company.id === company.id && !a.cancelledFlag)!;
    for (const item of world.cw.catalog.filter((i) => i.productClass !== 'Bundle')) {
      const product = world.pax8.products.find((p) => p.sku === item.identifier);
      if (product)
        await answer(
          call['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
        );
    }
    const subs = world.pax8.subscriptions.filter((s) => s.companyId === pax8.id && s.billingTerm === 'Monthly');
    for (const s of subs)
      await answer(call['service-mappings'].$put({ json: { subscriptionId: s.id, cwAgreementId: agreement.id } }));
    const tab = () => answer(call.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(company.id) } }));
    let started = performance.now();
    const first = await tab();
    const coldMs = performance.now() - started;
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      started = performance.now();
      await tab();
      times.push(performance.now() - started);
    }
    const ms = median(times);
    return [
      { name: 'company tab: subscriptions listed', value: first.body.subscriptions.length, unit: 'subs' },
      { name: 'company tab: first call (vendor reads)', value: coldMs, unit: 'ms' },
      { name: 'company tab API, median of 50 calls (PGlite)', value: ms, unit: 'ms', target: '≤ 25', pass: ms <= 25 },
    ];
  } finally {
    await stack.close();
  }
}

export async function benchMapping(): Promise<Figure[]> {
  return [...benchSuggestions(), ...(await benchCompanyTab())];
}
