import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentImportedLines, getImport, listImports, partsKept } from '../../../../db/queries/imports.ts';
import { fileImportLines, fileImportParts } from '../../../../db/schema.ts';
import { createSecretBox } from '../../../../server/crypto.ts';
import { confirmPreview, previewImport } from '../../../../server/distributors/files/imports.ts';
import { subscriptionsOf } from '../../../../server/distributors/files/subscriptions.ts';
import { createTestDatabase, type TestDatabase } from '../../../helpers/db.ts';
import { insertTenant } from '../../../helpers/tenant-rows.ts';

/** Written from Microsoft's documented columns: see test/fixtures/microsoft/README.md. */
const MICROSOFT = readFileSync(new URL('../../../fixtures/microsoft/reconciliation-nce.csv', import.meta.url));
const OXFORD = '196e2273-9651-43a3-ba7e-7cbcd918fc40';
const SEATS = 'a1b2c3d4-0001-4000-8000-000000000001';

/** What is kept of an uploaded file, and for how long. */
describe('an uploaded file', () => {
  let database: TestDatabase;
  let tenantId: string;
  let now = new Date('2026-12-02T09:00:00Z');
  const secrets = createSecretBox(randomBytes(32));
  const deps = () => ({ db: database.db, secrets, now: () => now });
  const upload = (bytes: Buffer, fileName: string) =>
    previewImport(deps(), tenantId, {
      source: 'files:microsoft-direct',
      fileName,
      bytes,
      profileKey: 'microsoft',
      by: 'Jane Doe (jdoe)',
    });
  beforeAll(async () => {
    database = await createTestDatabase();
    tenantId = await insertTenant(database.db, 'Files MSP');
  });
  afterAll(async () => database?.close());

  it('is kept sealed while its preview waits, never as plain text, and dropped once imported', async () => {
    const preview = await upload(MICROSOFT, 'G002297372.csv');
    const [sealed, ...more] = await partsKept(database.db, tenantId, preview.id!);
    expect(more).toEqual([]);
    expect(sealed).not.toContain('Oxford');
    for (const part of sealed!.split('.'))
      expect(Buffer.from(part, 'base64url').toString('latin1')).not.toContain('Oxford');
    await confirmPreview(deps(), tenantId, preview.id!, { type: 'member', memberId: 'jdoe', name: 'Jane Doe' });
    expect(await partsKept(database.db, tenantId, preview.id!)).toEqual([]);
  });

  it('is dropped a day after a preview nobody decided on', async () => {
    now = new Date(now.getTime() + 60_000);
    const other = Buffer.from(MICROSOFT.toString('utf8').replace('G002297372', 'G002297999'));
    const left = await upload(other, 'left open.csv');
    now = new Date(now.getTime() + 25 * 60 * 60_000);
    await upload(Buffer.from(MICROSOFT.toString('utf8').replace('G002297372', 'G002298000')), 'next.csv');
    const expired = await getImport(database.db, tenantId, left.id!);
    expect(expired).toMatchObject({ state: 'discarded', decidedBy: 'expired: not confirmed within a day' });
    expect(await partsKept(database.db, tenantId, left.id!)).toEqual([]);
    expect((await listImports(database.db, tenantId)).map((i) => [i.fileName, i.state])).toEqual([
      ['next.csv', 'previewed'],
      ['left open.csv', 'discarded'],
      ['G002297372.csv', 'imported'],
    ]);
  });

  it("reads a source a page at a time: a customer's seats split across pages add up as on one", async () => {
    const source = 'files:microsoft-direct';
    const read = (pageSize: number, only = {}) =>
      subscriptionsOf(currentImportedLines(database.db, tenantId, source, only, pageSize));
    const whole = await read(1_000);
    // Oxford's seats are lines 2, 5 and 8 of the file: 10 new, 2 cancelled, 5 added.
    expect(whole.items.find((s) => s.id === SEATS)).toMatchObject({ quantity: 13, status: 'Active' });
    for (const size of [1, 2, 3]) expect(await read(size)).toEqual(whole);
    const oxford = whole.items.filter((s) => s.companyId === OXFORD);
    expect(oxford.map((s) => s.id)).toEqual([SEATS]);
    expect(await read(2, { customerId: OXFORD })).toEqual({ items: oxford, problems: [] });
    // Another source's key reads nothing of it.
    const other = await subscriptionsOf(currentImportedLines(database.db, tenantId, 'files:other', {}, 2));
    expect(other).toEqual({ items: [], problems: [] });
  });

  it('keeps a file of several mebibytes in sealed parts, imports nothing while they are out of place, and imports it across them', async () => {
    const [heading, ...rows] = MICROSOFT.toString('utf8').trimEnd().split('\r\n');
    const body = Array.from({ length: 800 }, () => rows).flat();
    const big = Buffer.from(`${[heading, ...body].join('\r\n').replaceAll('G002297372', 'G002300000')}\r\n`);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const preview = await upload(big, 'G002300000.csv');
    expect(preview.refused.count).toBe(0);
    const parts = await partsKept(database.db, tenantId, preview.id!);
    expect(parts).toHaveLength(Math.ceil(big.length / (1024 * 1024)));
    const place = (part: number, to: number) =>
      database.db
        .update(fileImportParts)
        .set({ part: to })
        .where(and(eq(fileImportParts.importId, preview.id!), eq(fileImportParts.part, part)));
    // The first two parts swapped in the database: neither opens where it now is, nothing is stored.
    await place(0, -1);
    await place(1, 0);
    await place(-1, 1);
    const jane = { type: 'member' as const, memberId: 'jdoe', name: 'Jane Doe' };
    await expect(confirmPreview(deps(), tenantId, preview.id!, jane)).rejects.toThrow(
      /no longer reads as it was previewed/,
    );
    expect(await getImport(database.db, tenantId, preview.id!)).toMatchObject({ state: 'previewed' });
    expect(await partsKept(database.db, tenantId, preview.id!)).toHaveLength(parts.length);
    await place(0, -1);
    await place(1, 0);
    await place(-1, 1);
    await confirmPreview(deps(), tenantId, preview.id!, jane);
    const stored = await database.db.select().from(fileImportLines).where(eq(fileImportLines.importId, preview.id!));
    expect(stored).toHaveLength(body.length);
    expect(await partsKept(database.db, tenantId, preview.id!)).toEqual([]);
  });
});
