import { Hono } from 'hono';
import { z } from 'zod/mini';
import { lastSuccess, recentChecks, recordChecks } from '../../db/queries/connections.ts';
import {
  connectDistributor,
  connectedDistributors,
  disconnectDistributor,
  replaceRotatedCredentials,
} from '../../db/queries/distributors.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { splitKey } from '../distributors/connection-key.ts';
import { profileExists } from '../distributors/files/imports.ts';
import {
  addsSource,
  connectionName,
  credentialsGiven,
  DISTRIBUTOR_KINDS,
  distributorKind,
} from '../distributors/registry.ts';
import { AppError, type FieldError, invalidInput } from '../errors.ts';
import { inMemberWords } from '../http/member-words.ts';
import { VendorError } from '../http/vendor-error.ts';
import { type CheckedDistributor, checkDistributor, withSpentTokens } from '../tenants/connect-distributor.ts';
import { openApiKeys, openConnection, openDistributor, sealDistributor } from '../tenants/secrets.ts';
import { setupTenant } from '../tenants/setup.ts';
import { zv } from '../validate.ts';
import type { ApiDeps } from './context.ts';

const secret = z.string().check(z.minLength(1, 'enter the new value, or leave the whole group out to keep it'));
/** Unknown fields are kept: a kind's earlier spelling of its credentials is one (`credentialsGiven`). */
const rotateSchema = z.looseObject({
  apiMember: z.optional(z.object({ publicKey: secret, privateKey: secret })),
  /** New credentials by distributor kind; fields left out keep their stored values. */
  distributors: z.optional(z.record(z.string(), z.record(z.string(), z.string()))),
});
const kindParam = z.object({ kind: z.string().check(z.minLength(1)) });
const reportSchema = z.object({ reportId: z.string().check(z.minLength(1, 'choose a report')) });

/** A key shown as its last four characters: enough to tell which one is in use, never the key. */
const hint = (value: string | undefined) => (value ? `…${value.slice(-4)}` : null);

/** What every connections route uses: the database, a failure in member words, a connection's name, a report-reading distributor. */
function connectionTools(deps: ApiDeps) {
  const db = () => deps.database.db;
  const failed = (error: unknown) => (error instanceof VendorError ? inMemberWords(error) : (error as Error).message);
  const nameOf = (connection: string) => (connection === 'connectwise' ? 'ConnectWise' : connectionName(connection));
  /** A connected distributor whose invoices come from a report the admin chooses. */
  async function reportsOf(tenant: Parameters<typeof deps.vendors.distributors>[0], kind: string) {
    const connected = (await deps.vendors.distributors(tenant)).find((d) => d.kind === kind);
    if (!connected) throw new AppError('not_found', `${nameOf(kind)} is not connected.`, { field: 'kind' });
    if (!connected.distributor.billingReports)
      throw new AppError('conflict', `${nameOf(kind)}'s invoices come from its API: there is no report to choose.`, {
        field: 'kind',
      });
    const row = (await connectedDistributors(db(), tenant.id)).find((r) => r.kind === kind)!;
    return { distributor: connected.distributor, stored: openConnection(deps.secrets, row) };
  }
  return { db, failed, nameOf, reportsOf };
}

/** What the tenant connects with and a test of the stored credentials. */
function connectionStatusRoutes(deps: ApiDeps) {
  const { db, failed, nameOf } = connectionTools(deps);
  return new Hono<AppEnv>()
    .get('/connections', async (c) => {
      const { tenant } = c.get('auth');
      const keys = openApiKeys(deps.secrets, tenant);
      const [checks, cwOk, rows] = await Promise.all([
        recentChecks(db(), tenant.id),
        lastSuccess(db(), tenant.id, 'connectwise'),
        connectedDistributors(db(), tenant.id),
      ]);
      // A kind connected once per source lists each source, then a form to add another.
      const entries = DISTRIBUTOR_KINDS.flatMap((kind) => {
        const own = rows.filter((r) => distributorKind(r.kind) === kind);
        if (!kind.sourceField) return [{ kind, key: kind.kind, row: own[0] }];
        return [...own.map((row) => ({ kind, key: row.kind, row })), { kind, key: `${kind.kind}:`, row: undefined }];
      });
      const distributors = await Promise.all(
        entries.map(async ({ kind, key, row }) => {
          const stored = row ? openConnection(deps.secrets, row) : undefined;
          return {
            kind: key,
            displayName: (kind.sourceField && stored?.[kind.sourceField]) || kind.displayName,
            kindName: kind.displayName,
            addsSource: Boolean(kind.sourceField) && !row,
            connected: Boolean(row),
            invoicesFromReport: Boolean(kind.invoicesFromReport),
            connectedAt: row?.connectedAt.toISOString() ?? null,
            connectedBy: row?.connectedBy ?? null,
            lastSuccess: row ? ((await lastSuccess(db(), tenant.id, key))?.toISOString() ?? null) : null,
            fields: kind.fields.map((f) => ({
              name: f.name,
              label: f.label,
              secret: f.secret,
              optional: Boolean(f.optional),
              help: f.help ?? null,
              shown: stored ? (f.secret ? hint(stored[f.name]) : (stored[f.name] ?? null)) : null,
            })),
          };
        }),
      );
      return c.json(
        {
          connectwise: {
            site: `${tenant.protocol}://${tenant.site}`,
            companyId: tenant.companyId,
            clientId: tenant.clientId,
            publicKey: hint(keys?.publicKey),
            lastSuccess: cwOk?.toISOString() ?? null,
          },
          distributors,
          // What a check said can name hosts and credentials' owners: only for members with the Connections right.
          checks: checks.map((k) => ({
            id: k.id,
            connection: k.connection,
            name: nameOf(k.connection),
            action: k.action,
            ok: k.ok,
            message: c.get('auth').permissions.allowed.changeSettings
              ? k.message
              : 'Details are shown to members whose ConnectWise role may change settings.',
            checkedBy: k.checkedBy,
            checkedAt: k.checkedAt.toISOString(),
          })),
        },
        200,
      );
    })
    .post('/connections/test', mayWrite(deps, 'changeSettings'), async (c) => {
      const { tenant, member } = c.get('auth');
      const by = `${member.name} (${member.id})`;
      const connected = await deps.vendors.distributors(tenant);
      const results = await Promise.all([
        deps.vendors
          .apiMemberCw(tenant)
          .system.myMember()
          .then(
            (m) => ({ connection: 'connectwise', ok: true, message: `The API member ${m.identifier} signed in.` }),
            (error: unknown) => ({ connection: 'connectwise', ok: false, message: failed(error) }),
          ),
        ...connected.map((d) =>
          d.distributor.verify().then(
            () => ({ connection: d.kind, ok: true, message: `${d.displayName} accepted the stored credentials.` }),
            (error: unknown) => ({ connection: d.kind, ok: false, message: failed(error) }),
          ),
        ),
      ]);
      await recordChecks(
        db(),
        tenant.id,
        results.map((r) => ({ ...r, action: 'test' as const, checkedBy: by })),
      );
      return c.json({ results: results.map((r) => ({ ...r, name: nameOf(r.connection) })) }, 200);
    });
}

/**
 * Each distributor's new credentials checked against its stored values for the fields left out:
 * what may be stored, and every field a person must fix, by its name in the form.
 */
async function checkGiven(
  deps: ApiDeps,
  tenantId: string,
  rows: Awaited<ReturnType<typeof connectedDistributors>>,
  given: ReturnType<typeof credentialsGiven>,
) {
  const checked: CheckedDistributor[] = [];
  const problems: FieldError[] = [];
  const connectedKeys = rows.map((r) => r.kind);
  for (const [kind, entered] of Object.entries(given)) {
    const row = rows.find((r) => r.kind === kind);
    if (!row && !addsSource(kind, connectedKeys) && splitKey(kind).source) {
      problems.push({ field: `distributors.${kind}`, message: 'no such source is connected: add it as a new one' });
      continue;
    }
    const current: Record<string, string> = row ? openConnection(deps.secrets, row) : {};
    // A stored secret is only ever sent to the URL it was stored with: a new URL needs it again.
    const known = distributorKind(kind);
    if (row && known) {
      const moved = known.urlFields.some((f) => entered[f] !== undefined && entered[f] !== current[f]);
      const missing = known.fields.filter((f) => f.secret && !entered[f.name]?.trim());
      if (moved && missing.length > 0) {
        problems.push(
          ...missing.map((f) => ({
            field: `${kind}.${f.name}`,
            message: `enter the ${known.displayName} ${f.label} again: a changed URL never receives the stored one`,
          })),
        );
        continue;
      }
    }
    // A shared access token belongs to the credentials it was granted for: new ones start without it.
    const { accessToken: _token, accessTokenExpiresAt: _expires, ...stored } = current;
    const result = await checkDistributor(
      kind,
      { ...stored, ...entered },
      { sandbox: deps.sandbox, fetch: deps.setupFetch },
    );
    if ('problems' in result) problems.push(...result.problems);
    else if (
      distributorKind(kind)?.imports &&
      !(await profileExists(deps.database.db, tenantId, result.credentials.profile!))
    )
      problems.push({
        field: `${kind}.profile`,
        message: `there is no column profile "${result.credentials.profile}": use microsoft, generic, or one made on the Imports page`,
      });
    else checked.push({ ...result, kind: row ? kind : result.kind });
  }
  return { checked, problems };
}

/** New credentials, tested before anything is stored: the API member's keys, a distributor's, or a new distributor. */
function connectionRotationRoutes(deps: ApiDeps) {
  const { db, nameOf } = connectionTools(deps);
  return new Hono<AppEnv>().put(
    '/connections',
    mayWrite(deps, 'changeSettings'),
    zv('json', rotateSchema),
    async (c) => {
      const { tenant, member } = c.get('auth');
      const by = `${member.name} (${member.id})`;
      const body = c.req.valid('json');
      const given = credentialsGiven(body);
      if (!body.apiMember && Object.keys(given).length === 0)
        throw new AppError('invalid_input', 'Enter new API member keys, new distributor credentials, or both.', {
          fields: [{ field: 'apiMember', message: 'nothing to change' }],
        });
      const keys = openApiKeys(deps.secrets, tenant);
      if (!keys) throw new AppError('conflict', 'This tenant has no stored credentials; run tenant setup again.');
      const rows = await connectedDistributors(db(), tenant.id);
      // A new source's key comes from its name once it is checked: until then, as it was given.
      let rotated = [...(body.apiMember ? ['connectwise'] : []), ...Object.keys(given)];
      // Each connection rotated is recorded, whichever way it went.
      const recordRotation = (ok: boolean, message: string) =>
        recordChecks(
          db(),
          tenant.id,
          rotated.map((connection) => ({ connection, action: 'rotate' as const, ok, message, checkedBy: by })),
        );
      const refused = async (problems: FieldError[]) => {
        await recordRotation(
          false,
          `New credentials refused, nothing stored: ${problems.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
        );
        return invalidInput(problems);
      };

      // Distributors first, each against its stored values for the fields left out.
      const { checked, problems } = await checkGiven(deps, tenant.id, rows, given);
      if (problems.length > 0) throw await refused(withSpentTokens(problems, checked));
      if (body.apiMember) {
        try {
          await setupTenant(
            {
              now: () => deps.clock.now().toJSDate(),
              db: db(),
              secrets: deps.secrets,
              sandbox: deps.sandbox,
              fetch: deps.setupFetch,
            },
            {
              name: tenant.name,
              site: `${tenant.protocol}://${tenant.site}`,
              companyId: tenant.companyId,
              clientId: tenant.clientId,
              ...keys,
              ...body.apiMember,
              ...(tenant.allowedOrigin ? { allowedOrigin: tenant.allowedOrigin } : {}),
            },
          );
        } catch (error) {
          if (error instanceof AppError) {
            // Named as the form names them: the API member's keys sit under `apiMember`.
            const fields = ((error.details.fields as FieldError[] | undefined) ?? []).map((f) =>
              f.field === 'publicKey' || f.field === 'privateKey' ? { ...f, field: `apiMember.${f.field}` } : f,
            );
            throw await refused(withSpentTokens(fields, checked));
          }
          throw error;
        }
      }
      for (const d of checked)
        await connectDistributor(
          db(),
          tenant.id,
          d.kind,
          sealDistributor(deps.secrets, tenant.id, d.kind, d.credentials),
          by,
          deps.clock.now().toJSDate(),
        );
      rotated = [...(body.apiMember ? ['connectwise'] : []), ...checked.map((d) => d.kind)];
      await recordRotation(true, 'New credentials tested and stored, encrypted.');
      // Named as the admin knows them: a new file source by the name she gave it.
      const names = rotated.map((k) => checked.find((d) => d.kind === k)?.displayName ?? nameOf(k));
      return c.json({ rotated, names }, 200);
    },
  );
}

/** The billing report a distributor's invoices are read from, and disconnecting a distributor. */
function connectionReportRoutes(deps: ApiDeps) {
  const { db, nameOf, reportsOf } = connectionTools(deps);
  return (
    new Hono<AppEnv>()
      /** The reports a distributor's portal holds, to choose the billing report invoices are read from. */
      .get(
        '/connections/:kind/billing-reports',
        mayWrite(deps, 'changeSettings'),
        zv('param', kindParam),
        async (c) => {
          const { tenant } = c.get('auth');
          const { kind } = c.req.valid('param');
          const { distributor, stored } = await reportsOf(tenant, kind);
          const reports = await distributor.billingReports!();
          return c.json({ reports, chosen: stored.billingReportId ?? null }, 200);
        },
      )
      .put(
        '/connections/:kind/billing-report',
        mayWrite(deps, 'changeSettings'),
        zv('param', kindParam),
        zv('json', reportSchema),
        async (c) => {
          const { tenant, member } = c.get('auth');
          const { kind } = c.req.valid('param');
          const { reportId } = c.req.valid('json');
          const { distributor } = await reportsOf(tenant, kind);
          const report = (await distributor.billingReports!()).find((r) => r.id === reportId);
          if (!report)
            throw invalidInput([
              { field: 'reportId', message: `not one of ${nameOf(kind)}'s reports: choose one from the list` },
            ]);
          const saved = await replaceRotatedCredentials(
            db(),
            tenant.id,
            kind,
            () => true,
            (sealed) =>
              sealDistributor(deps.secrets, tenant.id, kind, {
                ...openDistributor(deps.secrets, tenant.id, kind, sealed),
                billingReportId: report.id,
              }),
            deps.clock.now().toJSDate(),
          );
          if (!saved) throw new AppError('not_found', `${nameOf(kind)} is not connected.`, { field: 'kind' });
          await recordChecks(db(), tenant.id, [
            {
              connection: kind,
              action: 'configure',
              ok: true,
              message: `Invoices are read from the report "${report.name}".`,
              checkedBy: `${member.name} (${member.id})`,
            },
          ]);
          return c.json({ chosen: report.id, name: report.name }, 200);
        },
      )
      .delete('/connections/:kind', mayWrite(deps, 'changeSettings'), zv('param', kindParam), async (c) => {
        const { tenant, member } = c.get('auth');
        const { kind } = c.req.valid('param');
        if (!(await disconnectDistributor(db(), tenant.id, kind)))
          throw new AppError('not_found', `${nameOf(kind)} is not connected.`, { field: 'kind' });
        await recordChecks(db(), tenant.id, [
          {
            connection: kind,
            action: 'disconnect',
            ok: true,
            message:
              'Disconnected: its credentials were deleted. Its mappings are kept, and work again if it is connected again.',
            checkedBy: `${member.name} (${member.id})`,
          },
        ]);
        return c.json({ disconnected: kind }, 200);
      })
  );
}

/**
 * The admin's Connections page: what the tenant connects with (never a secret), when each
 * connection last worked, a test of the stored credentials, rotation, and connecting or
 * disconnecting a distributor. New credentials are tested before anything is stored.
 */
export function connectionRoutes(deps: ApiDeps) {
  return new Hono<AppEnv>()
    .route('/', connectionStatusRoutes(deps))
    .route('/', connectionRotationRoutes(deps))
    .route('/', connectionReportRoutes(deps));
}
