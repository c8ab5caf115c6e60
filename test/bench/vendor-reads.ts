import { createCwClient } from '../../server/connectwise/client.ts';
import { createIonDistributor } from '../../server/distributors/ion/adapter.ts';
import { createIonApi, ION_PAGE_SIZE } from '../../server/distributors/ion/api.ts';
import { createPax8Distributor } from '../../server/distributors/pax8/adapter.ts';
import { createPax8Api, PAX8_PAGE_SIZE } from '../../server/distributors/pax8/api.ts';
import { benchWorld } from './bench-world.ts';
import { type Figure, peakRssMb } from './report.ts';
import { median, startBenchVendors } from './sandbox-handle.ts';

const LATENCY_MS = 50;
const RUNS = 3;

/**
 * Reading 5,000 Pax8 subscriptions, 5,000 ConnectWise additions over 400 agreements, and the
 * StreamOne Ion account's subscriptions, with 50 ms added to every call. Calls must stay within 10% of what the page sizes allow, and
 * wall time (median of three runs after a warm-up) under twice calls × latency ÷ concurrency.
 */
export async function benchVendorReads(concurrency: number): Promise<Figure[]> {
  const world = benchWorld();
  const vendors = await startBenchVendors(LATENCY_MS);
  try {
    const readPax8 = async () => {
      let calls = 0;
      const pax8 = createPax8Distributor(
        createPax8Api({
          baseUrl: vendors.pax8,
          tokenUrl: vendors.pax8Token,
          audience: 'https://api.pax8.com',
          clientId: world.pax8.clientId,
          clientSecret: world.pax8.clientSecret,
          concurrency,
          onRequest: () => calls++,
        }),
      );
      const started = performance.now();
      const subs = await pax8.subscriptions();
      return { ms: performance.now() - started, calls, count: subs.items.length };
    };
    const readCw = async () => {
      let calls = 0;
      const api = world.cw.apiMembers[0]!;
      const cw = createCwClient({
        site: vendors.cwSite,
        protocol: 'http',
        companyId: world.cw.companyId,
        clientId: world.cw.clientId,
        auth: { kind: 'apiMember', publicKey: api.publicKey, privateKey: api.privateKey },
        concurrency,
        onRequest: () => calls++,
      });
      const agreementIds = [...new Set(world.cw.additions.map((a) => a.agreementId))];
      const started = performance.now();
      const additions = await cw.additions.listMany(agreementIds);
      const count = [...additions.values()].reduce((n, list) => n + list.length, 0);
      return { ms: performance.now() - started, calls, count, agreements: agreementIds.length };
    };

    // One stored refresh token for every run, rotated on each grant as the database would keep it.
    let refreshToken = vendors.ionRefreshToken;
    const readIon = async () => {
      let calls = 0;
      const ion = createIonDistributor(
        createIonApi({
          baseUrl: vendors.ion,
          accountId: vendors.ionAccount,
          tokens: {
            read: async () => ({ refreshToken }),
            replace: async (_used, next) => {
              refreshToken = next.refreshToken;
              return true;
            },
          },
          onRequest: () => calls++,
        }),
      );
      const started = performance.now();
      const subs = await ion.subscriptions();
      return { ms: performance.now() - started, calls, count: subs.items.length };
    };

    await readPax8();
    await readCw();
    await readIon();
    const pax8Runs = [];
    const cwRuns = [];
    const ionRuns = [];
    for (let i = 0; i < RUNS; i++) {
      pax8Runs.push(await readPax8());
      cwRuns.push(await readCw());
      ionRuns.push(await readIon());
    }
    const ion = ionRuns[0]!;
    const ionMin = 1 + Math.ceil(ion.count / ION_PAGE_SIZE);
    const pax8 = pax8Runs[0]!;
    const cw = cwRuns[0]!;
    const pax8Ms = median(pax8Runs.map((r) => r.ms));
    const cwMs = median(cwRuns.map((r) => r.ms));
    const pax8Min = 1 + Math.ceil(5000 / PAX8_PAGE_SIZE);
    const cwMin = 1 + cw.agreements;
    const limit = (calls: number) => (2 * calls * LATENCY_MS) / concurrency;
    return [
      { name: 'Pax8 subscriptions read', value: pax8.count, unit: 'subs' },
      {
        name: 'Pax8 calls (token + pages)',
        value: pax8.calls,
        unit: 'calls',
        target: `≤ ${Math.floor(pax8Min * 1.1)} (min ${pax8Min})`,
        pass: pax8.calls <= pax8Min * 1.1,
      },
      {
        name: 'Pax8 wall time, median',
        value: pax8Ms,
        unit: 'ms',
        target: `≤ ${Math.round(limit(pax8.calls))}`,
        pass: pax8Ms <= limit(pax8.calls),
      },
      { name: `ConnectWise additions read over ${cw.agreements} agreements`, value: cw.count, unit: 'additions' },
      {
        name: 'ConnectWise calls (companyinfo + one page each)',
        value: cw.calls,
        unit: 'calls',
        target: `≤ ${Math.floor(cwMin * 1.1)} (min ${cwMin})`,
        pass: cw.calls <= cwMin * 1.1,
      },
      {
        name: 'ConnectWise wall time, median',
        value: cwMs,
        unit: 'ms',
        target: `≤ ${Math.round(limit(cw.calls))}`,
        pass: cwMs <= limit(cw.calls),
      },
      { name: 'StreamOne Ion subscriptions read', value: ion.count, unit: 'subs' },
      {
        name: 'StreamOne Ion calls (grant + pages of 100, one after another)',
        value: ion.calls,
        unit: 'calls',
        target: `≤ ${Math.floor(ionMin * 1.1)} (min ${ionMin})`,
        pass: ion.count === world.ion.subscriptions.length && ion.calls <= ionMin * 1.1,
      },
      {
        name: 'StreamOne Ion wall time, median (token pages cannot overlap)',
        value: median(ionRuns.map((r) => r.ms)),
        unit: 'ms',
        target: `≤ ${Math.round(2 * ion.calls * LATENCY_MS)}`,
        pass: median(ionRuns.map((r) => r.ms)) <= 2 * ion.calls * LATENCY_MS,
      },
      { name: 'peak memory of the reading process', value: peakRssMb(), unit: 'MB' },
    ];
  } finally {
    vendors.stop();
  }
}
