import { Hono } from 'hono';
import { z } from 'zod/mini';
import { isUniqueViolation } from '../../db/errors.ts';
import { discardImport, getImport, latestProfiles, listImports, saveProfileVersion } from '../../db/queries/imports.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { chooseSource, confirmPreview, fileSourcesOf, previewImport } from '../distributors/files/imports.ts';
import { columnProfileSchema, SHIPPED_PROFILES } from '../distributors/files/profile.ts';
import { fileHeadings, readInvoiceFile } from '../distributors/files/read.ts';
import { AppError, fieldErrors, invalidInput } from '../errors.ts';
import { zv } from '../validate.ts';
import type { ApiDeps } from './context.ts';

/** Where files are uploaded: the one route whose body may pass a megabyte. */
export const UPLOAD_PATH = '/api/imports/preview';
/** The largest upload; a larger file goes through `npm run import`, which streams it. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** A sample for the profile builder: its first rows are enough to name the columns. */
const MAX_SAMPLE_CHARS = 256 * 1024;

const idParam = z.object({ id: z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'is not an import id')) });
const uploadQuery = z.object({
  fileName: z.string().check(z.minLength(1, 'name the file'), z.maxLength(255, 'use a shorter file name')),
  profile: z.optional(z.string().check(z.minLength(1))),
  /** The file source's key or name; needed only when the tenant has more than one. */
  source: z.optional(z.string().check(z.minLength(1))),
});
const profileKey = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'use 2 to 40 lower-case letters, digits or dashes'));

/** The file source an upload names (or the tenant's only one), or the answer that says what to name. */
async function fileSource(deps: ApiDeps, tenantId: string, given: string | undefined) {
  const sources = await fileSourcesOf(deps.database.db, deps.secrets, tenantId);
  const chosen = chooseSource(sources, given);
  if (typeof chosen === 'object') return chosen;
  if (sources.length === 0)
    throw new AppError(
      'conflict',
      'No file source is connected. An admin adds one on the Connections page (a name and a column profile).',
    );
  throw invalidInput([{ field: 'source', message: chosen }]);
}

const importDeps = (deps: ApiDeps) => ({
  db: deps.database.db,
  secrets: deps.secrets,
  now: () => deps.clock.now().toJSDate(),
});

/** Uploading, previewing and confirming files. */
function importFileRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/imports', async (c) => {
      const { tenant } = c.get('auth');
      const [sources, imports] = await Promise.all([
        fileSourcesOf(deps.database.db, deps.secrets, tenant.id),
        listImports(deps.database.db, tenant.id),
      ]);
      return c.json(
        {
          sources,
          imports: imports.map((i) => ({
            id: i.id,
            source: sources.find((s) => s.key === i.source)?.name ?? i.source,
            fileName: i.fileName,
            hash: i.hash,
            profile: `${i.profileKey} v${i.profile.version}`,
            state: i.state,
            rows: i.rows,
            lines: i.lines,
            totals: i.totals,
            supersedes: i.supersedes,
            uploadedBy: i.uploadedBy,
            uploadedAt: i.uploadedAt.toISOString(),
            decidedBy: i.decidedBy,
            decidedAt: i.decidedAt?.toISOString() ?? null,
          })),
        },
        200,
      );
    })
    .post('/imports/preview', mayWrite(deps, 'writeAdditions'), zv('query', uploadQuery), async (c) => {
      const { tenant, member } = c.get('auth');
      const query = c.req.valid('query');
      const source = await fileSource(deps, tenant.id, query.source);
      const bytes = Buffer.from(await c.req.arrayBuffer());
      if (bytes.length === 0)
        throw invalidInput([{ field: 'file', message: 'the file is empty; choose the invoice or usage file' }]);
      const preview = await previewImport(importDeps(deps), tenant.id, {
        source: source.key,
        fileName: query.fileName,
        bytes,
        profileKey: query.profile ?? source.profile,
        by: `${member.name} (${member.id})`,
      });
      return c.json({ ...preview, source: source.name, sourceKey: source.key }, 200);
    })
    .post('/imports/:id/confirm', mayWrite(deps, 'writeAdditions'), zv('param', idParam), async (c) => {
      const { tenant, member } = c.get('auth');
      const done = await confirmPreview(importDeps(deps), tenant.id, c.req.valid('param').id, {
        type: 'member',
        memberId: member.id,
        name: member.name,
      });
      // What the source answers is read from its files: cached answers from before are stale now.
      deps.cache.invalidate(`${tenant.id}:${done.import.source}:`);
      return c.json({ id: done.import.id, state: done.import.state, supersedes: done.supersedes }, 200);
    })
    .post('/imports/:id/discard', mayWrite(deps, 'writeAdditions'), zv('param', idParam), async (c) => {
      const { tenant, member } = c.get('auth');
      if (!(await getImport(deps.database.db, tenant.id, c.req.valid('param').id)))
        throw new AppError('not_found', 'There is no such import preview.');
      const ok = await discardImport(
        deps.database.db,
        tenant.id,
        c.req.valid('param').id,
        `${member.name} (${member.id})`,
        deps.clock.now().toJSDate(),
      );
      if (!ok) throw new AppError('conflict', 'This preview was already confirmed or discarded.');
      return c.json({ state: 'discarded' }, 200);
    });
}

/** Column profiles: the shipped ones, the tenant's own by version, and trying one on a sample. */
function profileRoutes(deps: ApiDeps) {
  const draftSchema = z.object({ key: profileKey, profile: z.unknown() });
  const trySchema = z.object({
    sample: z.string().check(z.maxLength(MAX_SAMPLE_CHARS, 'send the first rows of the file, not all of it')),
    profile: z.unknown(),
  });
  /** A profile as sent, checked by the schema the reader uses; each message names its field. */
  const checked = (profile: unknown) => {
    const parsed = columnProfileSchema.safeParse({ ...(profile as object), version: 1 });
    if (!parsed.success) throw invalidInput(fieldErrors(parsed.error, 'profile'));
    return parsed.data;
  };
  const headingsSchema = z.object({
    sample: z.string().check(z.maxLength(MAX_SAMPLE_CHARS, 'send the first rows of the file, not all of it')),
    delimiter: z.enum([',', ';']),
  });
  return new Hono<AppEnv>()
    .post('/import-profiles/headings', mayWrite(deps, 'changeSettings'), zv('json', headingsSchema), (c) => {
      const { sample, delimiter } = c.req.valid('json');
      return c.json({ headings: fileHeadings(sample, delimiter) }, 200);
    })
    .get('/import-profiles', async (c) => {
      const own = await latestProfiles(deps.database.db, c.get('auth').tenant.id);
      return c.json(
        [
          ...Object.entries(SHIPPED_PROFILES).map(([key, profile]) => ({
            key,
            shipped: true,
            profile,
            createdBy: null,
          })),
          ...own.map((p) => ({ key: p.key, shipped: false, profile: p.profile, createdBy: p.createdBy })),
        ],
        200,
      );
    })
    .post('/import-profiles/try', mayWrite(deps, 'changeSettings'), zv('json', trySchema), async (c) => {
      const body = c.req.valid('json');
      const profile = checked(body.profile);
      // Only the first rows are read: enough to show how each column parses.
      const sample = body.sample.split(/\r?\n/).slice(0, 21).join('\n');
      const read = await readInvoiceFile(sample, profile);
      return c.json({ rows: read.rows, lines: read.lines.slice(0, 10), problems: read.problems.slice(0, 50) }, 200);
    })
    .post('/import-profiles', mayWrite(deps, 'changeSettings'), zv('json', draftSchema), async (c) => {
      const { tenant, member } = c.get('auth');
      const body = c.req.valid('json');
      if (SHIPPED_PROFILES[body.key])
        throw invalidInput([{ field: 'key', message: `"${body.key}" is a shipped profile; choose another name` }]);
      const { version: _v, ...profile } = checked(body.profile);
      try {
        const saved = await saveProfileVersion(
          deps.database.db,
          tenant.id,
          body.key,
          profile,
          `${member.name} (${member.id})`,
          deps.clock.now().toJSDate(),
        );
        return c.json({ key: saved.key, version: saved.version, profile: saved.profile }, 201);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('conflict', 'Someone saved this profile meanwhile; reload it.');
        throw error;
      }
    });
}

export const importRoutes = (deps: ApiDeps) =>
  new Hono<AppEnv>().route('/', importFileRoutes(deps)).route('/', profileRoutes(deps));
