import { Readable } from 'node:stream';
import type { Database } from '../../../db/client.ts';
import { insertAdjustment } from '../../../db/queries/adjustments.ts';
import { connectedDistributors } from '../../../db/queries/distributors.ts';
import {
  confirmImport,
  expireStalePreviews,
  type FileImport,
  getImport,
  importedForInvoices,
  importedWithHash,
  insertPreviewedImport,
  latestProfile,
  linesOfImports,
} from '../../../db/queries/imports.ts';
import { listCompanyMappings, listProductMappings } from '../../../db/queries/mappings.ts';
import type { Actor } from '../../audit.ts';
import type { SecretBox } from '../../crypto.ts';
import { AppError } from '../../errors.ts';
import { openConnection } from '../../tenants/secrets.ts';
import { distributorKind } from '../registry.ts';
import { type ColumnProfile, SHIPPED_PROFILES } from './profile.ts';
import { type FileLine, type ReadFile, type RowProblem, readInvoiceFile } from './read.ts';
import { type Revision, reviseLines } from './revision.ts';

export interface ImportDeps {
  db: Database;
  secrets: SecretBox;
  now: () => Date;
}

/** Lines are stored a thousand at a time: one statement for 50,000 would pass Postgres's parameter limit. */
const CHUNK = 1_000;

/** How long an undecided preview's bytes are kept. */
const PREVIEW_KEPT_MS = 24 * 60 * 60_000;

/** How many refused rows a preview lists; the count says how many there are in all. */
const LISTED = 200;

/** What a member sees before anything is stored, and what the import command prints. */
export interface ImportPreview {
  /** The stored preview a confirmation names; null when there is nothing to confirm. */
  id: string | null;
  fileName: string;
  hash: string;
  profile: { key: string; name: string; version: number };
  rows: number;
  lines: number;
  refused: { count: number; rows: number; listed: RowProblem[] };
  customers: { count: number; notMapped: { id: string; name: string }[] };
  products: { count: number; notMapped: { id: string; name: string }[] };
  totals: ReadFile['totals'];
  /** The imported file with the same bytes: importing it again changes nothing. */
  alreadyImported: { id: string; source: string; at: string | null; by: string | null } | null;
  /** What this file changes against the imported file for the same invoices, if any. */
  revision: (Revision & { supersedes: { id: string; fileName: string }[] }) | null;
}

/** A profile by the key a source names: a shipped one, or the tenant's latest version. */
const findProfile = async (db: Database, tenantId: string, key: string): Promise<ColumnProfile | undefined> =>
  SHIPPED_PROFILES[key] ?? (await latestProfile(db, tenantId, key))?.profile;

export const profileExists = async (db: Database, tenantId: string, key: string) =>
  (await findProfile(db, tenantId, key)) !== undefined;

/** The profile a key names, or a 400 naming the profiles there are. */
export async function resolveProfile(db: Database, tenantId: string, key: string): Promise<ColumnProfile> {
  const found = await findProfile(db, tenantId, key);
  if (found) return found;
  throw new AppError(
    'invalid_input',
    `There is no column profile "${key}". Use microsoft, generic, or make one on the Imports page.`,
    { fields: [{ field: 'profile', message: `no profile "${key}"` }] },
  );
}

/** A connected file source: its key, the name it was given and the key of the profile its files are read with. */
export interface FileSource {
  key: string;
  name: string;
  profile: string;
}

/** The tenant's file sources as connected, the first connected first. */
export async function fileSourcesOf(db: Database, secrets: SecretBox, tenantId: string): Promise<FileSource[]> {
  return (await connectedDistributors(db, tenantId))
    .filter((row) => distributorKind(row.kind)?.imports)
    .sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime())
    .map((row) => {
      const stored = openConnection(secrets, row);
      return { key: row.kind, name: stored.sourceName!, profile: stored.profile! };
    });
}

/**
 * The source a file goes to, by its key or name (any case); with one source, that one when none
 * is named. Otherwise the reason, naming the sources there are.
 */
export function chooseSource(sources: FileSource[], given: string | undefined): FileSource | string {
  if (sources.length === 0) return 'no file source is connected; an admin adds one on the Connections page';
  const wanted = given?.trim().toLowerCase();
  if (!wanted) return sources.length === 1 ? sources[0]! : `choose the source: ${names(sources)}`;
  return (
    sources.find((s) => s.key === wanted || s.name.toLowerCase() === wanted) ??
    `no file source "${given}": ${names(sources)}`
  );
}

const names = (sources: FileSource[]) => sources.map((s) => `"${s.name}"`).join(', ');

/** The invoice a line bills: its number, or without one the month it charges. */
const invoiceKeyOf = (l: FileLine) => l.invoice ?? `month:${l.periodStart.slice(0, 7)}`;

/** Each part is sealed for its tenant, its import and its place: a part moved elsewhere does not open. */
const sealContext = (tenantId: string, importId: string, part: number) =>
  `tenant:${tenantId}:file_import:${importId}:${part}`;

/** A mebibyte of the file per sealed part. */
const PART_BYTES = 1024 * 1024;

function* sealedParts(secrets: SecretBox, tenantId: string, importId: string, bytes: Buffer) {
  for (let at = 0, part = 0; at < bytes.length; at += PART_BYTES, part++)
    yield secrets.sealBytes(bytes.subarray(at, at + PART_BYTES), sealContext(tenantId, importId, part));
}

async function* openedParts(secrets: SecretBox, tenantId: string, importId: string, parts: AsyncIterable<string>) {
  let part = 0;
  for await (const sealed of parts) yield secrets.openBytes(sealed, sealContext(tenantId, importId, part++));
}

/**
 * Reads an uploaded file and answers its preview. A file with any refused row, or one already
 * imported, stores nothing; otherwise its bytes are kept sealed until the member confirms or
 * discards the preview.
 */
export async function previewImport(
  deps: ImportDeps,
  tenantId: string,
  upload: { source: string; fileName: string; bytes: Buffer; profileKey: string; by: string },
): Promise<ImportPreview> {
  const profile = await resolveProfile(deps.db, tenantId, upload.profileKey);
  const now = deps.now();
  await expireStalePreviews(deps.db, tenantId, new Date(now.getTime() - PREVIEW_KEPT_MS), now);
  // Read once without keeping its lines: what the preview shows is gathered as they pass.
  const customers = new Map<string, { id: string; name: string }>();
  const products = new Map<string, { id: string; name: string }>();
  const keys = new Set<string>();
  const read = await readInvoiceFile(upload.bytes, profile, {
    keepLines: false,
    onLine: (l) => {
      customers.set(l.customer.id, l.customer);
      products.set(l.product.id, l.product);
      keys.add(invoiceKeyOf(l));
    },
  });
  const scope = { tenantId, distributor: upload.source };
  const [same, companyMappings, productMappings] = await Promise.all([
    importedWithHash(deps.db, tenantId, read.hash),
    listCompanyMappings(deps.db, scope),
    listProductMappings(deps.db, scope),
  ]);
  const revision = same ? null : await revisionOf(deps, tenantId, upload.source, [...keys], upload.bytes, profile);
  const storable = read.problems.length === 0 && !same && read.usable > 0;
  const stored = storable
    ? await insertPreviewedImport(
        deps.db,
        tenantId,
        {
          source: upload.source,
          fileName: upload.fileName,
          hash: read.hash,
          profileKey: upload.profileKey,
          profile,
          invoiceKeys: [...keys],
          rows: read.rows,
          lines: read.usable,
          totals: read.totals,
          uploadedBy: upload.by,
          uploadedAt: now,
        },
        (importId) => sealedParts(deps.secrets, tenantId, importId, upload.bytes),
      )
    : null;
  return {
    id: stored?.id ?? null,
    fileName: upload.fileName,
    hash: read.hash,
    profile: { key: upload.profileKey, name: profile.name, version: profile.version },
    rows: read.rows,
    lines: read.usable,
    refused: {
      count: read.problems.length,
      rows: new Set(read.problems.map((p) => p.row)).size,
      listed: read.problems.slice(0, LISTED),
    },
    customers: notMapped(customers, new Set(companyMappings.map((m) => m.distributorCompanyId))),
    products: notMapped(products, new Set(productMappings.map((m) => m.distributorProductId))),
    totals: read.totals,
    alreadyImported: same
      ? { id: same.id, source: same.source, at: same.decidedAt?.toISOString() ?? null, by: same.decidedBy }
      : null,
    revision,
  };
}

/**
 * What a file changes against the imported files for the same invoices, if there are any: only
 * a corrected file is read a second time, with its lines kept, to compare them.
 */
async function revisionOf(
  deps: ImportDeps,
  tenantId: string,
  source: string,
  keys: string[],
  bytes: Buffer,
  profile: ColumnProfile,
) {
  const earlier = await importedForInvoices(deps.db, tenantId, source, keys);
  if (earlier.length === 0) return null;
  const before = await linesOfImports(
    deps.db,
    tenantId,
    earlier.map((e) => e.id),
  );
  const after = (await readInvoiceFile(bytes, profile)).lines;
  return { ...reviseLines(before, after), supersedes: earlier.map((e) => ({ id: e.id, fileName: e.fileName })) };
}

function notMapped(byId: Map<string, { id: string; name: string }>, mapped: Set<string>) {
  return { count: byId.size, notMapped: [...byId.values()].filter((n) => !mapped.has(n.id)) };
}

/**
 * Imports a previewed file: read again from its sealed bytes with the profile version it was
 * previewed with, its lines stored, the file it corrects superseded, its bytes dropped, and the
 * import written to the Log with who, when, the file's name and hash.
 */
export async function confirmPreview(
  deps: ImportDeps,
  tenantId: string,
  id: string,
  actor: Actor,
): Promise<{ import: FileImport; supersedes: string[] }> {
  const row = await getImport(deps.db, tenantId, id);
  if (!row) throw new AppError('not_found', 'There is no such import preview; upload the file again.');
  if (row.state !== 'previewed')
    throw new AppError('conflict', `${row.fileName} was already ${row.state}; upload it again to import it.`, {
      state: row.state,
    });
  if (await importedWithHash(deps.db, tenantId, row.hash))
    throw new AppError('conflict', `${row.fileName} is already imported; importing it again changes nothing.`);
  const supersedes = (await importedForInvoices(deps.db, tenantId, row.source, row.invoiceKeys)).map((e) => e.id);
  const at = deps.now();
  const by = actor.memberId ? `${actor.name} (${actor.memberId})` : actor.name;
  let stored = 0;
  // Read again a sealed part at a time and stored a chunk at a time, in the confirmation's transaction.
  const confirmed = await confirmImport(deps.db, tenantId, id, { supersedes, by, at }, async ({ parts, insert }) => {
    let chunk: FileLine[] = [];
    const file = Readable.from(openedParts(deps.secrets, tenantId, id, parts()));
    const read = await readInvoiceFile(file, row.profile, {
      keepLines: false,
      onLine: async (line) => {
        chunk.push(line);
        if (chunk.length < CHUNK) return;
        const full = chunk;
        chunk = [];
        await insert(full);
      },
    });
    if (read.hash !== row.hash || read.problems.length > 0)
      throw new AppError('conflict', `${row.fileName} no longer reads as it was previewed; upload it again.`);
    await insert(chunk);
    stored = read.usable;
  });
  if (!confirmed) throw new AppError('conflict', `${row.fileName} was confirmed or discarded meanwhile.`);
  await insertAdjustment(deps.db, tenantId, {
    actorType: actor.type,
    actorMemberId: actor.memberId,
    actorName: actor.name,
    action: 'file.import',
    distributor: row.source,
    requestSummary: {
      fileName: row.fileName,
      sha256: row.hash,
      profile: `${row.profileKey} v${row.profile.version}`,
      lines: stored,
      supersedes,
      // What the Log shows for the entry: the file by its name and its full hash.
      note:
        `Imported ${row.fileName} (sha256 ${row.hash}) with ${row.profile.name} v${row.profile.version}: ` +
        `${stored} lines${supersedes.length > 0 ? `, correcting ${supersedes.length} earlier file(s)` : ''}.`,
    },
    outcome: 'success',
    responseSummary: { importId: id },
  });
  return { import: { ...row, state: 'imported', decidedBy: by, decidedAt: at }, supersedes };
}
