import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../../../server/clock.ts';
import { markerPrefixOf } from '../../../../server/distributors/connection-key.ts';
import { GENERIC_PROFILE } from '../../../../server/distributors/files/profile.ts';
import { answer, type Caller, okPlan, signedIn, upload } from '../../../helpers/api.ts';
import { freeAgreementItem, saveSettings } from '../../../helpers/mapped.ts';
import { type Stack, startStack } from '../../../helpers/stack.ts';

/** Written from Microsoft's documented columns: see test/fixtures/microsoft/README.md. */
const MICROSOFT = readFileSync(new URL('../../../fixtures/microsoft/reconciliation-nce.csv', import.meta.url));
const OXFORD = '196e2273-9651-43a3-ba7e-7cbcd918fc40';
const STANDARD = 'CFQ7TTC0LDPB';
const SEATS = 'a1b2c3d4-0001-4000-8000-000000000001';
const USAGE = 'a1b2c3d4-0006-4000-8000-000000000006';
/** Each file source is keyed by the name it was connected with. */
const MICROSOFT_DIRECT = 'files:microsoft-direct';
const DICKER = 'files:dicker-data';
const MICROSOFT_MARKER = `${markerPrefixOf('fil', MICROSOFT_DIRECT)}:`;

/** The file with Oxford's mid-month addition raised from 5 seats to 7, its subtotal with it. */
const corrected = () =>
  Buffer.from(
    MICROSOFT.toString('utf8')
      .replace('AddQuantity,12.50,5,62.50,0.00,62.50,', 'AddQuantity,12.50,7,87.50,0.00,87.50,')
      .replace(/,12\.50,5,Monthly,USD,1\r\n$/, ',12.50,7,Monthly,USD,1\r\n'),
  );

const previewOf = (call: Caller, file: Buffer, fileName = 'G002297372.csv') =>
  answer(call.imports.preview.$post({ query: { fileName } }, upload(new Uint8Array(file))));

/**
 * A source without an API: Microsoft's reconciliation file imported through the API, previewed
 * before anything is stored, bound and written once like any distributor's subscriptions, the
 * same file a second time changing nothing, and a corrected file shown as its revision.
 */
describe('a file source', () => {
  let stack: Stack;
  let admin: Caller;
  let files: Caller;
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    // Early December: November's file is in, and its month can be reconciled.
    stack = await startStack({ clock: pinnedDayClock('2026-12-03') });
    admin = await signedIn(stack, 'jdoe');
    files = await signedIn(stack, 'jdoe', { distributor: MICROSOFT_DIRECT });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is connected with a name and a profile, no credentials; an unknown profile is refused by field', async () => {
    const form = await answer(admin.connections.$get());
    // A tenant may import from several sources: the form adds one.
    const kind = form.body.distributors.find((d) => d.kind === 'files:')!;
    expect(kind).toMatchObject({ addsSource: true, connected: false });
    expect(kind.fields.map((f) => [f.name, f.secret])).toEqual([
      ['sourceName', false],
      ['profile', false],
    ]);
    const unknown = await answer(
      admin.connections.$put({
        json: {
          distributors: { files: { sourceName: 'Microsoft direct', profile: 'ingram' } },
        },
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.fields.map((f) => f.field)).toEqual(['files.profile']);
    const ok = await answer(
      admin.connections.$put({
        json: {
          distributors: { files: { sourceName: 'Microsoft direct', profile: 'microsoft' } },
        },
      }),
    );
    expect(ok.status).toBe(200);
    const connected = await answer(admin.distributors.$get({ query: {} }));
    expect(connected.body.connected.map((d) => [d.kind, d.displayName])).toContainEqual([
      MICROSOFT_DIRECT,
      'Microsoft direct',
    ]);
  });

  it('refuses a bad file row by row, with the row and column named, and stores nothing', async () => {
    const lines = MICROSOFT.toString('utf8').split('\r\n');
    lines[1] = lines[1]!.replace(',11/1/2026,11/30/2026,', ',11/31/2026,11/30/2026,'); // no 31 November
    lines[2] = lines[2]!.replace(',Renew,', ',Upgrade,');
    lines[3] = lines[3]!.replace(',7.20,3,Monthly,', ',7.20,-3,Monthly,');
    const bad = await previewOf(files, Buffer.from(lines.join('\r\n')));
    expect(bad.status).toBe(200);
    expect(bad.body.id).toBeNull();
    expect(bad.body.refused.listed.map((p) => [p.row, p.column, p.value])).toEqual(
      expect.arrayContaining([
        [2, 'ChargeStartDate', '11/31/2026'],
        [3, 'ChargeType', 'Upgrade'],
        [4, 'BillableQuantity', '-3'],
      ]),
    );
    const missing = await previewOf(files, Buffer.from(MICROSOFT.toString('utf8').replace('ChargeType', 'Kind')));
    expect(missing.body.refused.listed).toEqual([
      { row: 1, column: 'ChargeType', value: '', message: 'the file has no column "ChargeType"' },
    ]);
    expect((await answer(files.imports.$get())).body.imports).toEqual([]);
  });

  it('refuses a file over the upload limit with a message naming the fix', async () => {
    const huge = await previewOf(files, Buffer.alloc(50 * 1024 * 1024 + 1, 'a'));
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/larger than 50 MB.*npm run import/);
  });

  it('previews, imports once, binds, and writes each line once; the same file again changes nothing', async () => {
    const preview = await previewOf(files, MICROSOFT);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      rows: 7,
      lines: 7,
      refused: { count: 0 },
      customers: { count: 2 },
      alreadyImported: null,
      revision: null,
      // Each line's subtotal by Microsoft's stated rule, against the file's own.
      totals: [
        { currency: 'USD', amountCents: 15_917, fileAmountCents: 15_917 },
        { currency: 'EUR', amountCents: 53_271, fileAmountCents: 53_271 },
      ],
    });
    expect(preview.body.customers.notMapped.map((c) => c.name).sort()).toEqual([
      'Müller Werkzeuge GmbH',
      'Oxford Senior Living',
    ]);
    // Nothing is read from it until it is confirmed.
    expect((await answer(files['distributor-companies'].$get({ query: {} }))).body).toEqual([]);
    const confirmed = await answer(files.imports[':id'].confirm.$post({ param: { id: String(preview.body.id) } }));
    expect(confirmed.status).toBe(200);
    expect((await answer(files['distributor-companies'].$get({ query: {} }))).body.map((c) => c.name).sort()).toEqual([
      'Müller Werkzeuge GmbH',
      'Oxford Senior Living',
    ]);
    expect((await answer(files.imports[':id'].confirm.$post({ param: { id: String(preview.body.id) } }))).status).toBe(
      409,
    );
    const log = (await answer(admin.adjustments.$get({ query: {} }))).body.find((l) => l.action === 'file.import')!;
    expect(log).toMatchObject({ actorName: expect.any(String), distributor: MICROSOFT_DIRECT });
    expect(log.note).toContain(`Imported G002297372.csv (sha256 ${preview.body.hash})`);
    expect(log.note).toContain('7 lines');

    const again = await previewOf(files, MICROSOFT, 'copy of G002297372.csv');
    expect(again.body.id).toBeNull();
    expect(again.body.alreadyImported).toMatchObject({ id: preview.body.id });

    const { agreement, item } = freeAgreementItem(stack);
    expect(
      (
        await answer(
          files['company-mappings'].$post({
            json: { distributorCompanyId: OXFORD, cwCompanyId: agreement.company.id },
          }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await answer(
          files['product-mappings'].$post({ json: { distributorProductId: STANDARD, cwCatalogItemId: item.id } }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await answer(files['service-mappings'].$put({ json: { subscriptionId: SEATS, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);
    // 10 new, 2 cancelled on the 10th, 5 added on the 15th: 13 seats at $12.50.
    const plan = okPlan(
      (await answer(files.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body.plan,
    );
    const written = () =>
      world().cw.additions.filter(
        (a) => a.agreementId === agreement.id && a.serialNumber?.startsWith(MICROSOFT_MARKER),
      );
    expect(
      (await answer(files.plans.confirm.$post({ json: { subscriptionId: SEATS, basis: plan.basis } }))).status,
    ).toBe(200);
    expect(written().length).toBe(plan.operations.length);
    expect(written().some((a) => a.quantity === 13 && a.unitPrice === 12.5)).toBe(true);
    await answer(files.plans.confirm.$post({ json: { subscriptionId: SEATS, basis: plan.basis } }));
    expect(written().length).toBe(plan.operations.length);
    // The same file imported again would change nothing, so there is nothing more to plan.
    const after = (await answer(files.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body.plan;
    expect(after.status === 'ok' ? after.operations : []).toEqual([]);
    // The file is the invoice: November's charges for the subscription, 125.00 − 25.00 + 62.50.
    const month = await answer(files.reconciliations.$get({ query: { period: '2026-11' } }));
    expect(month.body.rows.find((r) => r.subscriptionId === SEATS)?.figures?.invoice).toMatchObject({
      quantity: 10,
      costCents: 16_250,
    });
  });

  it('shows a corrected file for the same invoice as its revision, and the next plan bills it', async () => {
    const first = (await answer(files.imports.$get())).body.imports.find((i) => i.state === 'imported')!;
    const preview = await previewOf(files, corrected(), 'G002297372 corrected.csv');
    expect(preview.body.revision).toMatchObject({
      supersedes: [{ id: first.id, fileName: 'G002297372.csv' }],
      changes: [
        {
          subscriptionId: SEATS,
          chargeType: 'AddQuantity',
          before: { quantity: '5', amountCents: 6_250 },
          after: { quantity: '7', amountCents: 8_750 },
        },
      ],
      differences: expect.arrayContaining([{ currency: 'USD', beforeCents: 15_917, afterCents: 18_417 }]),
    });
    const confirmed = await answer(files.imports[':id'].confirm.$post({ param: { id: String(preview.body.id) } }));
    expect(confirmed.body.supersedes).toEqual([first.id]);
    const states = (await answer(files.imports.$get())).body.imports.map((i) => [i.fileName, i.state]);
    expect(states).toEqual([
      ['G002297372 corrected.csv', 'imported'],
      ['G002297372.csv', 'superseded'],
    ]);
    const plan = okPlan(
      (await answer(files.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body.plan,
    );
    expect(plan.operations.map((o) => o.after.quantity)).toContain(15);
    // The revised invoice is what the month is reconciled against now.
    const month = await answer(files.reconciliations.$get({ query: { period: '2026-11' } }));
    expect(month.body.rows.find((r) => r.subscriptionId === SEATS)?.figures?.invoice?.costCents).toBe(18_750);
  });

  it("bills a file's usage by meter in arrears: Azure at the file's own price for November", async () => {
    // A second invoice: Oxford's Azure plan, 1,000 units at $0.045 cost and $0.05 list.
    const [heading, azure] = MICROSOFT.toString('utf8')
      .split('\r\n')
      .filter((l) => l.includes('Azure plan') || l.includes('PartnerId'));
    const cells = azure!.split(',');
    const at = (name: string) =>
      heading!
        .replace(/^\uFEFF/, '')
        .split(',')
        .indexOf(name);
    const set = (name: string, value: string) => {
      cells[at(name)] = value;
    };
    set('CustomerId', OXFORD);
    set('CustomerName', 'Oxford Senior Living');
    set('InvoiceNumber', 'G002299999');
    set('SubscriptionId', USAGE);
    set('Currency', 'USD');
    set('PricingCurrency', 'USD');
    set('PCToBCExchangeRate', '1');
    set('UnitPrice', '0.05');
    set('Quantity', '1000');
    set('BillableQuantity', '1000');
    set('Subtotal', '45.00');
    set('Total', '45.00');
    set('ChargeStartDate', '11/1/2026');
    set('ChargeEndDate', '11/30/2026');
    const file = Buffer.from(`${heading}\r\n${cells.join(',')}\r\n`);
    const preview = await previewOf(files, file, 'G002299999.csv');
    expect(preview.body.refused.count).toBe(0);
    expect((await answer(files.imports[':id'].confirm.$post({ param: { id: String(preview.body.id) } }))).status).toBe(
      200,
    );
    const { agreement } = freeAgreementItem(stack);
    const taken = new Set(
      world()
        .cw.additions.filter((a) => a.agreementId === agreement.id)
        .map((a) => a.product.id),
    );
    const item = world().cw.catalog.find(
      (i) =>
        i.productClass !== 'Bundle' && !i.inactiveFlag && !taken.has(i.id) && i.id !== freeAgreementItem(stack).item.id,
    )!;
    expect(
      (
        await answer(
          files['product-mappings'].$post({ json: { distributorProductId: 'DZH318Z0BNZ5', cwCatalogItemId: item.id } }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await answer(files['service-mappings'].$put({ json: { subscriptionId: USAGE, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);
    // The file is the invoice: November is final once it is imported, from the 1st.
    expect((await saveSettings(admin, { rules: { arrearsDay: 1 } })).status).toBe(200);
    const usage = await answer(files.subscriptions[':id']['usage-plan'].$get({ param: { id: USAGE }, query: {} }));
    expect(usage.status, JSON.stringify(usage.body).slice(0, 400)).toBe(200);
    expect(usage.body.period).toMatchObject({ month: '2026-11', final: true });
    const plan = usage.body.plan;
    expect(plan.status, plan.reason ?? '').toBe('ok');
    // ROUNDDOWN(ROUNDDOWN(0.05 × 1000, 2) × 1, 2) = $50.00, billed once for November.
    expect(plan.operations.reduce((n, o) => n + o.after.totalPrice.cents, 0)).toBe(5_000);
  });

  it("saves a profile's versions only with the settings right, each in the settings history", async () => {
    const profile = { ...GENERIC_PROFILE, name: 'Regional export', markupBasisPoints: 1_500 };
    const finance = await signedIn(stack, 'kpark');
    expect((await answer(finance['import-profiles'].$post({ json: { key: 'regional', profile } }))).status).toBe(403);
    expect((await answer(admin['import-profiles'].$post({ json: { key: 'regional', profile } }))).body).toMatchObject({
      version: 1,
    });
    const again = await answer(
      admin['import-profiles'].$post({
        json: {
          key: 'regional',
          profile: { ...profile, markupBasisPoints: 2_500 },
        },
      }),
    );
    expect(again.body).toMatchObject({ version: 2 });
    const history = (await answer(admin.settings.history.$get())).body.filter((h) => h.subject === 'profile:regional');
    expect(history.map((h) => [h.label, h.before, h.after])).toEqual([
      [
        'Column profile Regional export (version 2)',
        { priceColumn: null, markupBasisPoints: 1_500 },
        { priceColumn: null, markupBasisPoints: 2_500 },
      ],
      ['Column profile Regional export (version 1)', null, { priceColumn: null, markupBasisPoints: 1_500 }],
    ]);
  });

  it("keeps a second source's files, lines and markers its own, even where its ids match the first's", async () => {
    const added = await answer(
      admin.connections.$put({
        json: {
          distributors: { 'files:': { sourceName: 'Dicker Data', profile: 'generic' } },
        },
      }),
    );
    expect(added.status).toBe(200);
    expect(added.body.rotated).toEqual([DICKER]);
    const forms = (await answer(admin.connections.$get())).body.distributors.filter(
      (d) => d.kindName === 'Invoice files',
    );
    expect(forms.map((d) => [d.kind, d.displayName, d.connected])).toEqual([
      [MICROSOFT_DIRECT, 'Microsoft direct', true],
      [DICKER, 'Dicker Data', true],
      ['files:', 'Invoice files', false],
    ]);
    // With two sources, an upload names the one it is for.
    const unnamed = await previewOf(files, MICROSOFT, 'unnamed.csv');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.details.fields).toEqual([
      { field: 'source', message: 'choose the source: "Microsoft direct", "Dicker Data"' },
    ]);
    const regional = await signedIn(stack, 'jdoe', { distributor: DICKER });
    const into = (file: Buffer, fileName: string) =>
      answer(regional.imports.preview.$post({ query: { fileName, source: DICKER } }, upload(new Uint8Array(file))));
    // The first source's current file, sent to the second: already imported, nothing stored twice.
    const twice = await into(corrected(), 'G002297372 corrected.csv');
    expect(twice.body).toMatchObject({ id: null, alreadyImported: { source: MICROSOFT_DIRECT } });

    // The regional distributor's own export: the same customer and subscription ids, the same invoice number.
    const file = Buffer.from(
      'customer_id,customer_name,product_id,product_name,subscription_id,quantity,unit_cost,currency,period_start,period_end,charge_type,invoice\r\n' +
        `${OXFORD},Oxford Senior Living,DD-M365BP,Microsoft 365 Business Premium,${SEATS},4,9.00,USD,2026-11-01,2026-11-30,new,G002297372\r\n`,
    );
    const preview = await into(file, 'dicker-november.csv');
    expect(preview.body).toMatchObject({ lines: 1, refused: { count: 0 }, revision: null, sourceKey: DICKER });
    expect(
      (await answer(regional.imports[':id'].confirm.$post({ param: { id: String(preview.body.id) } }))).status,
    ).toBe(200);
    const imported = (await answer(admin.imports.$get())).body.imports.filter((i) => i.state === 'imported');
    expect(imported.map((i) => [i.fileName, i.source]).sort()).toEqual([
      ['G002297372 corrected.csv', 'Microsoft direct'],
      ['G002299999.csv', 'Microsoft direct'],
      ['dicker-november.csv', 'Dicker Data'],
    ]);
    expect((await answer(regional['distributor-companies'].$get({ query: {} }))).body.map((c) => c.name)).toEqual([
      'Oxford Senior Living',
    ]);

    // Bound to the same agreement and catalog item as Microsoft's seats, it adds its own line.
    const { agreement, item } = freeAgreementItem(stack);
    const microsoftPlan = (await answer(files.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body
      .plan;
    expect(
      (
        await answer(
          regional['company-mappings'].$post({
            json: { distributorCompanyId: OXFORD, cwCompanyId: agreement.company.id },
          }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await answer(
          regional['product-mappings'].$post({ json: { distributorProductId: 'DD-M365BP', cwCatalogItemId: item.id } }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await answer(
          regional['service-mappings'].$put({ json: { subscriptionId: SEATS, cwAgreementId: agreement.id } }),
        )
      ).status,
    ).toBe(200);
    const plan = okPlan(
      (await answer(regional.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body.plan,
    );
    expect(plan.operations.map((o) => [o.type, o.after.quantity])).toContainEqual(['create-recurring', 4]);
    expect(
      (await answer(regional.plans.confirm.$post({ json: { subscriptionId: SEATS, basis: plan.basis } }))).status,
    ).toBe(200);
    const lines = world().cw.additions.filter((a) => a.agreementId === agreement.id);
    const dickerMarker = `${markerPrefixOf('fil', DICKER)}:`;
    expect(dickerMarker).not.toBe(MICROSOFT_MARKER);
    const own = lines.filter((a) => a.serialNumber?.startsWith(dickerMarker));
    expect(own.length).toBe(plan.operations.length);
    // Cost $9.00 with the generic profile's 20% markup.
    expect(own.some((a) => a.quantity === 4 && a.unitPrice === 10.8)).toBe(true);
    expect(lines.some((a) => a.serialNumber?.startsWith(MICROSOFT_MARKER) && a.quantity === 13)).toBe(true);
    // Microsoft's plan for its subscription of the same id is what it was: the new line is not its own.
    expect((await answer(files.subscriptions[':id'].plan.$get({ param: { id: SEATS }, query: {} }))).body.plan).toEqual(
      microsoftPlan,
    );

    // Disconnected by its key, one source goes; the other stays connected, its imports its own.
    const sourcesNow = async () =>
      (await answer(admin.connections.$get())).body.distributors
        .filter((d) => d.kind.startsWith('files:') && d.kind !== 'files:')
        .map((d) => d.displayName);
    expect(await sourcesNow()).toEqual(['Microsoft direct', 'Dicker Data']);
    expect((await answer(admin.connections[':kind'].$delete({ param: { kind: DICKER } }))).status).toBe(200);
    expect(await sourcesNow()).toEqual(['Microsoft direct']);
    expect((await answer(admin.imports.$get())).body.sources.map((s) => s.name)).toEqual(['Microsoft direct']);
  });
});
