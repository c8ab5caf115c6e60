import { describe, expect, it } from 'vitest';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { answer, signedIn } from '../../helpers/api.ts';
import { allowEverythingUnattended } from '../../helpers/mapped.ts';
import { setFaults } from '../../helpers/sandbox.ts';
import { startStack } from '../../helpers/stack.ts';

/**
 * Over generated worlds (several seeds, every bound company mapped wholesale, then seats
 * changed, lines edited by hand and a write failed), the company tab, the agreement pod and
 * the unsynced report give every subscription the same state: they share one decision.
 */
describe('every surface gives the same answer', () => {
  for (const seed of [3, 11, 29]) {
    it(`seed ${seed}: tab, pod and report agree on every mapped subscription`, async () => {
      const stack = await startStack({ sandbox: { seed, companies: 12, subscriptions: 60 } });
      try {
        const jdoe = await signedIn(stack, 'jdoe');
        const w = stack.sandboxes.world;
        const mapped: { subId: string; cwCompanyId: number; agreementId: number }[] = [];
        for (const p of w.pax8.companies) {
          const cw = w.cw.companies.find((c) => c.name === p.name);
          const agreement =
            cw &&
            w.cw.agreements.find(
              (a) =>
                a.company.id === cw.id &&
                !a.cancelledFlag &&
                a.agreementStatus === 'Active' &&
                a.billingCycle.name === 'Monthly',
            );
          if (!cw || !agreement) continue;
          await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: p.id, cwCompanyId: cw.id } }));
          for (const s of w.pax8.subscriptions.filter((x) => x.companyId === p.id && x.billingTerm === 'Monthly')) {
            const product = w.pax8.products.find((x) => x.id === s.productId)!;
            const item = w.cw.catalog.find((i) => i.identifier === product.sku && i.productClass !== 'Bundle');
            if (!item) continue;
            await answer(
              jdoe['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
            );
            const res = await answer(
              jdoe['service-mappings'].$put({ json: { subscriptionId: s.id, cwAgreementId: agreement.id } }),
            );
            if (res.status === 200) mapped.push({ subId: s.id, cwCompanyId: cw.id, agreementId: agreement.id });
          }
        }
        expect(mapped.length).toBeGreaterThan(3);
        // Write some of it (one write refused by ConnectWise), then disturb the world.
        await allowEverythingUnattended(jdoe);
        await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1 }] });
        const tenant = (await stack.database.db.query.tenants.findFirst())!;
        await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'scheduled', requestedBy: 'schedule' });
        await setFaults(stack.hostUrl, { rules: [] });
        const synced = w.cw.additions.filter((a) => a.serialNumber?.startsWith('p8s:'));
        if (synced[0]) synced[0].quantity += 1;
        const changed = w.pax8.subscriptions.find((s) => s.id === mapped[1]!.subId)!;
        changed.quantity = (changed.quantity ?? 1) + 2;
        await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'check', requestedBy: 'test' });

        const report = new Map<string, string>();
        for (const view of ['linked', 'unlinked'] as const)
          for (const r of (await answer(jdoe.reports[':view'].$get({ param: { view } }))).body.rows)
            report.set(r.subscriptionId, r.state);
        const states = new Set<string>();
        for (const m of mapped) {
          const tab = await answer(
            jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cwCompanyId) } }),
          );
          const row = tab.body.subscriptions.find((s) => s.id === m.subId)!;
          const pod = await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(m.agreementId) } }));
          const onPod = pod.body.rows.find((r) => r.subscriptionId === m.subId);
          expect({ id: m.subId, tab: row.state }).toEqual({ id: m.subId, tab: report.get(m.subId) });
          expect({ id: m.subId, pod: onPod?.state ?? 'in-sync' }).toEqual({ id: m.subId, pod: row.state });
          states.add(row.state);
        }
        // The worlds are varied enough to test something: more than one state shows up.
        expect(states.size).toBeGreaterThan(1);
      } finally {
        await stack.close();
      }
    }, 60_000);
  }
});
