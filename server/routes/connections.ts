import { Hono } from 'hono';
import { z } from 'zod/mini';
import { lastSuccess, recentChecks, recordChecks } from '../../db/queries/connections.ts';
import { mayWrite } from '../auth/guard.ts';
import type { AppEnv } from '../auth/session.ts';
import { AppError, type FieldError } from '../errors.ts';
import { inMemberWords } from '../http/member-words.ts';
import { VendorError } from '../http/vendor-error.ts';
import { openApiKeys, openDistributor } from '../tenants/secrets.ts';
import { setupTenant } from '../tenants/setup.ts';
import { zv } from '../validate.ts';
import type { ApiDeps } from './context.ts';

const secret = z.string().check(z.minLength(1, 'enter the new value, or leave the whole group out to keep it'));
const rotateSchema = z.object({
  apiMember: z.optional(z.object({ publicKey: secret, privateKey: secret })),
  pax8: z.optional(z.object({ clientId: secret, clientSecret: secret })),
});

/** A key shown as its last four characters: enough to tell which one is in use, never the key. */
const hint = (value: string | undefined) => (value ? `…${value.slice(-4)}` : null);

/**
 * The admin's Connections page: what the tenant connects with (never a secret), when each
 * connection last worked, a test of the stored credentials, and rotation. Rotation runs the
 * command line's own checks (`setupTenant`): nothing is stored unless both connections work.
 */
export function connectionRoutes(deps: ApiDeps) {
  const db = () => deps.database.db;
  const failed = (error: unknown) => (error instanceof VendorError ? inMemberWords(error) : (error as Error).message);
  return new Hono<AppEnv>()
    .get('/connections', async (c) => {
      const { tenant } = c.get('auth');
      const keys = openApiKeys(deps.secrets, tenant);
      const pax8 = openDistributor(deps.secrets, tenant);
      const [checks, cwOk, pax8Ok] = await Promise.all([
        recentChecks(db(), tenant.id),
        lastSuccess(db(), tenant.id, 'connectwise'),
        lastSuccess(db(), tenant.id, 'pax8'),
      ]);
      return c.json(
        {
          connectwise: {
            site: `${tenant.protocol}://${tenant.site}`,
            companyId: tenant.companyId,
            clientId: tenant.clientId,
            publicKey: hint(keys?.publicKey),
            lastSuccess: cwOk?.toISOString() ?? null,
          },
          pax8: {
            clientId: pax8?.clientId ?? null,
            baseUrl: pax8?.baseUrl ?? null,
            clientSecret: hint(pax8?.clientSecret),
            lastSuccess: pax8Ok?.toISOString() ?? null,
          },
          checks: checks.map((k) => ({
            id: k.id,
            connection: k.connection,
            action: k.action,
            ok: k.ok,
            message: k.message,
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
      const results = await Promise.all([
        deps.vendors
          .apiMemberCw(tenant)
          .system.myMember()
          .then(
            (m) => ({ connection: 'connectwise', ok: true, message: `The API member ${m.identifier} signed in.` }),
            (error: unknown) => ({ connection: 'connectwise', ok: false, message: failed(error) }),
          ),
        deps.vendors
          .distributor(tenant)
          .verify()
          .then(
            () => ({ connection: 'pax8', ok: true, message: 'Pax8 accepted the client credentials.' }),
            (error: unknown) => ({ connection: 'pax8', ok: false, message: failed(error) }),
          ),
      ]);
      await recordChecks(
        db(),
        tenant.id,
        results.map((r) => ({ ...r, action: 'test' as const, checkedBy: by })),
      );
      return c.json({ results }, 200);
    })
    .put('/connections', mayWrite(deps, 'changeSettings'), zv('json', rotateSchema), async (c) => {
      const { tenant, member } = c.get('auth');
      const by = `${member.name} (${member.id})`;
      const body = c.req.valid('json');
      if (!body.apiMember && !body.pax8)
        throw new AppError('invalid_input', 'Enter the new API member keys, the new Pax8 credentials, or both.', {
          fields: [{ field: 'apiMember', message: 'nothing to change' }],
        });
      const keys = openApiKeys(deps.secrets, tenant);
      const pax8 = openDistributor(deps.secrets, tenant);
      if (!keys || !pax8)
        throw new AppError('conflict', 'This tenant has no stored credentials; run tenant setup again.');
      const rotated = [...(body.apiMember ? ['connectwise'] : []), ...(body.pax8 ? ['pax8'] : [])];
      // Each connection rotated is recorded, whichever way it went.
      const recordRotation = (ok: boolean, message: string) =>
        recordChecks(
          db(),
          tenant.id,
          rotated.map((connection) => ({ connection, action: 'rotate' as const, ok, message, checkedBy: by })),
        );
      try {
        await setupTenant(
          { db: db(), secrets: deps.secrets, sandbox: deps.sandbox, fetch: deps.setupFetch },
          {
            name: tenant.name,
            site: `${tenant.protocol}://${tenant.site}`,
            companyId: tenant.companyId,
            clientId: tenant.clientId,
            ...keys,
            ...body.apiMember,
            pax8: { ...pax8, ...body.pax8 },
            ...(tenant.allowedOrigin ? { allowedOrigin: tenant.allowedOrigin } : {}),
          },
        );
      } catch (error) {
        if (error instanceof AppError) {
          const fields = (error.details.fields as FieldError[] | undefined) ?? [];
          await recordRotation(
            false,
            `New credentials refused, nothing stored: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ') || error.message}`,
          );
        }
        throw error;
      }
      await recordRotation(true, 'New credentials tested and stored, encrypted.');
      return c.json({ rotated }, 200);
    });
}
