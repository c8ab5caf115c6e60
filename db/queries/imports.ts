import { and, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { ColumnProfile } from '../../server/distributors/files/profile.ts';
import type { FileLine } from '../../server/distributors/files/read.ts';
import type { Database } from '../client.ts';
import { columnProfiles, fileImportLines, fileImportParts, fileImports } from '../schema.ts';
import { recordSettingChange } from './settings.ts';

export type FileImport = typeof fileImports.$inferSelect;
export type StoredProfile = typeof columnProfiles.$inferSelect;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

/** Each of the tenant's own profiles at its latest version. */
export async function latestProfiles(db: Database, tenantId: string): Promise<StoredProfile[]> {
  const rows = await db
    .select()
    .from(columnProfiles)
    .where(eq(columnProfiles.tenantId, tenantId))
    .orderBy(columnProfiles.key, desc(columnProfiles.version));
  return rows.filter((r, i) => i === 0 || rows[i - 1]!.key !== r.key);
}

export async function latestProfile(db: Database, tenantId: string, key: string): Promise<StoredProfile | undefined> {
  const [row] = await db
    .select()
    .from(columnProfiles)
    .where(and(eq(columnProfiles.tenantId, tenantId), eq(columnProfiles.key, key)))
    .orderBy(desc(columnProfiles.version))
    .limit(1);
  return row;
}

/**
 * Saves a profile as the next version of its key. Two saves at once: the unique version index
 * refuses the second, which the caller answers as a conflict.
 */
export async function saveProfileVersion(
  db: Database,
  tenantId: string,
  key: string,
  profile: Omit<ColumnProfile, 'version'>,
  createdBy: string,
  at: Date,
): Promise<StoredProfile> {
  const earlier = (await latestProfile(db, tenantId, key))?.profile;
  const version = (earlier?.version ?? 0) + 1;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(columnProfiles)
      .values({ tenantId, key, version, profile: { ...profile, version }, createdBy, createdAt: at })
      .returning();
    // Its price column or markup is what the API member bills file lines with: kept with the settings.
    const billing = (p: Omit<ColumnProfile, 'version'>) => ({
      priceColumn: p.columns.unitPrice ?? null,
      markupBasisPoints: p.markupBasisPoints ?? null,
    });
    await recordSettingChange(tx, {
      tenantId,
      subject: `profile:${key}`,
      label: `Column profile ${profile.name} (version ${version})`,
      changedBy: createdBy,
      changedAt: at,
      before: earlier ? billing(earlier) : null,
      after: billing(profile),
    });
    return row!;
  });
}

/**
 * Stores a preview and its file's sealed parts, in one transaction: `parts` is asked for each
 * part in turn (sealed for this import's id), so only one is held at a time.
 */
export async function insertPreviewedImport(
  db: Database,
  tenantId: string,
  values: Omit<typeof fileImports.$inferInsert, 'tenantId' | 'state' | 'id'>,
  parts: (importId: string) => Iterable<string> = () => [],
): Promise<FileImport> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(fileImports)
      .values({ ...values, tenantId, state: 'previewed' })
      .returning();
    let part = 0;
    for (const sealed of parts(row!.id))
      await tx.insert(fileImportParts).values({ importId: row!.id, tenantId, part: part++, sealed });
    return row!;
  });
}

/** A preview's sealed parts in order, read one at a time. */
async function* sealedParts(db: Database, tenantId: string, importId: string): AsyncGenerator<string> {
  for (let part = 0; ; part++) {
    const [row] = await db
      .select({ sealed: fileImportParts.sealed })
      .from(fileImportParts)
      .where(
        and(
          eq(fileImportParts.tenantId, tenantId),
          eq(fileImportParts.importId, importId),
          eq(fileImportParts.part, part),
        ),
      );
    if (!row) return;
    yield row.sealed;
  }
}

/** The sealed parts a preview still keeps, in order: none once it is decided. */
export async function partsKept(db: Database, tenantId: string, importId: string): Promise<string[]> {
  const rows = await db
    .select({ sealed: fileImportParts.sealed })
    .from(fileImportParts)
    .where(and(eq(fileImportParts.tenantId, tenantId), eq(fileImportParts.importId, importId)))
    .orderBy(fileImportParts.part);
  return rows.map((r) => r.sealed);
}

export async function getImport(db: Database, tenantId: string, id: string): Promise<FileImport | undefined> {
  const [row] = await db
    .select()
    .from(fileImports)
    .where(and(eq(fileImports.tenantId, tenantId), eq(fileImports.id, id)))
    .limit(1);
  return row;
}

/** The imported file with these bytes, if any. */
export async function importedWithHash(db: Database, tenantId: string, hash: string): Promise<FileImport | undefined> {
  const [row] = await db
    .select()
    .from(fileImports)
    .where(and(eq(fileImports.tenantId, tenantId), eq(fileImports.hash, hash), eq(fileImports.state, 'imported')))
    .limit(1);
  return row;
}

/** A source's imported files that bill any of these invoices: what a corrected file supersedes. */
export async function importedForInvoices(
  db: Database,
  tenantId: string,
  source: string,
  keys: string[],
): Promise<FileImport[]> {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(fileImports)
    .where(
      and(
        eq(fileImports.tenantId, tenantId),
        eq(fileImports.source, source),
        eq(fileImports.state, 'imported'),
        sql`${fileImports.invoiceKeys} ?| array[${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )}]::text[]`,
      ),
    );
}

/** The tenant's imports, newest first, without their lines or bytes. */
export async function listImports(db: Database, tenantId: string, limit = 50) {
  return db
    .select()
    .from(fileImports)
    .where(eq(fileImports.tenantId, tenantId))
    .orderBy(desc(fileImports.uploadedAt))
    .limit(limit);
}

/** The lines of some imports, in file order. */
export async function linesOfImports(db: Database, tenantId: string, importIds: string[]): Promise<FileLine[]> {
  if (importIds.length === 0) return [];
  const rows = await db
    .select({ line: fileImportLines.line })
    .from(fileImportLines)
    .where(and(eq(fileImportLines.tenantId, tenantId), inArray(fileImportLines.importId, importIds)))
    .orderBy(fileImportLines.importId, fileImportLines.row);
  return rows.map((r) => r.line);
}

/** How many lines a file source's read holds at once. */
const PAGE = 5_000;

/**
 * Every line one of the tenant's file sources stands on now (its imported files, not superseded
 * ones) in import order, read a page at a time: a source of 50,000 lines is never held whole.
 */
export async function* currentImportedLines(
  db: Database,
  tenantId: string,
  source: string,
  only: { customerId?: string; subscriptionId?: string } = {},
  pageSize = PAGE,
): AsyncGenerator<{ importId: string; fileName: string; importedAt: Date; line: FileLine }> {
  const files = await db
    .select({ id: fileImports.id, fileName: fileImports.fileName, importedAt: fileImports.decidedAt })
    .from(fileImports)
    .where(and(eq(fileImports.tenantId, tenantId), eq(fileImports.source, source), eq(fileImports.state, 'imported')))
    .orderBy(fileImports.decidedAt, fileImports.id);
  for (const file of files) {
    let after = 0;
    for (;;) {
      const rows = await db
        .select({ row: fileImportLines.row, line: fileImportLines.line })
        .from(fileImportLines)
        .where(
          and(
            eq(fileImportLines.tenantId, tenantId),
            eq(fileImportLines.importId, file.id),
            gt(fileImportLines.row, after),
            only.customerId ? sql`${fileImportLines.line}->'customer'->>'id' = ${only.customerId}` : undefined,
            only.subscriptionId ? sql`${fileImportLines.line}->>'subscriptionId' = ${only.subscriptionId}` : undefined,
          ),
        )
        .orderBy(fileImportLines.row)
        .limit(pageSize);
      for (const r of rows)
        yield { importId: file.id, fileName: file.fileName, importedAt: file.importedAt!, line: r.line };
      if (rows.length < pageSize) break;
      after = rows.at(-1)!.row;
    }
  }
}

/**
 * Confirms a previewed import: what it corrects superseded, its bytes dropped and its lines
 * stored (handed over by `produce` a chunk at a time, so no file is held whole), all in one
 * transaction; anything `produce` throws undoes it. False when it was no longer a preview
 * (confirmed or discarded meanwhile).
 */
export async function confirmImport(
  db: Database,
  tenantId: string,
  id: string,
  decision: { supersedes: string[]; by: string; at: Date },
  produce: (store: {
    /** The file's sealed parts, read in the confirmation's transaction. */
    parts: () => AsyncIterable<string>;
    insert: (lines: FileLine[]) => Promise<void>;
  }) => Promise<void>,
): Promise<boolean> {
  const { supersedes, by, at } = decision;
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(fileImports)
      .set({ state: 'imported', decidedBy: by, decidedAt: at, supersedes: supersedes[0] ?? null })
      .where(and(eq(fileImports.tenantId, tenantId), eq(fileImports.id, id), eq(fileImports.state, 'previewed')))
      .returning({ id: fileImports.id });
    if (!claimed) return false;
    if (supersedes.length > 0)
      await tx
        .update(fileImports)
        .set({ state: 'superseded' })
        .where(and(eq(fileImports.tenantId, tenantId), inArray(fileImports.id, supersedes)));
    await produce({
      parts: () => sealedParts(tx, tenantId, id),
      insert: async (lines) => {
        if (lines.length > 0)
          await tx
            .insert(fileImportLines)
            .values(lines.map((line) => ({ importId: id, tenantId, row: line.row, line })));
      },
    });
    // The bytes are dropped once the lines are stored.
    await dropParts(tx, tenantId, [id]);
    return true;
  });
}

/** Discards a preview: its bytes are dropped, the record of the upload stays. */
export async function discardImport(db: Database, tenantId: string, id: string, by: string, at: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(fileImports)
      .set({ state: 'discarded', decidedBy: by, decidedAt: at })
      .where(and(eq(fileImports.tenantId, tenantId), eq(fileImports.id, id), eq(fileImports.state, 'previewed')))
      .returning({ id: fileImports.id });
    if (row) await dropParts(tx, tenantId, [row.id]);
    return Boolean(row);
  });
}

async function dropParts(db: Database, tenantId: string, importIds: string[]) {
  if (importIds.length > 0)
    await db
      .delete(fileImportParts)
      .where(and(eq(fileImportParts.tenantId, tenantId), inArray(fileImportParts.importId, importIds)));
}

/**
 * Drops the bytes of previews nobody decided on within a day: a file is kept only as long as
 * its import needs it. The record of the upload stays, discarded.
 */
export async function expireStalePreviews(db: Database, tenantId: string, uploadedBefore: Date, at: Date) {
  await db.transaction(async (tx) => {
    const expired = await tx
      .update(fileImports)
      .set({ state: 'discarded', decidedBy: 'expired: not confirmed within a day', decidedAt: at })
      .where(
        and(
          eq(fileImports.tenantId, tenantId),
          eq(fileImports.state, 'previewed'),
          lt(fileImports.uploadedAt, uploadedBefore),
        ),
      )
      .returning({ id: fileImports.id });
    await dropParts(
      tx,
      tenantId,
      expired.map((e) => e.id),
    );
  });
}
