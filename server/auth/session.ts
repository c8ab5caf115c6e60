import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { DatabaseHandle } from '../../db/client.ts';
import {
  deleteExpiredSessions,
  findLiveSession,
  insertSession,
  type MemberSession,
  sessionExists,
} from '../../db/queries/sessions.ts';
import { findTenantBySite, getTenant, type Tenant } from '../../db/queries/tenants.ts';
import type { MemberAuthentication, SessionInfo } from '../../shared/schemas/session.ts';
import type { Clock } from '../clock.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import { type CwOverrides, cwForTenant } from '../connectwise/factory.ts';
import type { CwMemberInfo } from '../connectwise/types.ts';
import type { SecretBox } from '../crypto.ts';
import { AppError } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';

/** Who is calling: a verified member of one tenant. Every `/api` route reads it from here. */
export interface SessionContext {
  session: MemberSession;
  tenant: Tenant;
  member: { id: string; name: string; email: string | null };
  /** The member's own ConnectWise credentials, for writes that must run as them. */
  cwAuth: CwAuth;
}

export type AppEnv = { Variables: { auth: SessionContext } };

export interface SessionDeps {
  database: DatabaseHandle;
  secrets: SecretBox;
  clock: Clock;
  sessionTtlMinutes: number;
  cw: CwOverrides;
}

const notConfirmed = () =>
  new AppError(
    'unauthorized',
    'ConnectWise did not confirm your sign-in. Reload the tab; if it keeps happening, sign out of ConnectWise and in again, or ask an administrator whether this instance is set up here.',
    { reason: 'member_not_verified' },
  );

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const hashContext = (sessionId: string, what: string) => `session:${sessionId}:${what}`;

/**
 * Turns Manage's member authentication into a session, trusting nothing the browser says:
 * the tenant comes from our own records (site and company id), and ConnectWise itself must
 * answer `/system/myMembers/info` with the claimed member for the credentials given.
 */
export async function createMemberSession(deps: SessionDeps, claim: MemberAuthentication): Promise<SessionInfo> {
  const tenant = await findTenantBySite(deps.database.db, claim.site, claim.companyid);
  // An unknown instance gets the same answer as a refused sign-in: a caller without a
  // session cannot tell which sites and companies are registered here.
  if (!tenant) throw notConfirmed();
  const cwAuth: CwAuth = {
    kind: 'member',
    memberId: claim.memberid,
    memberHash: claim.memberHash,
    memberContext: claim.memberContext ?? undefined,
  };
  let identity: CwMemberInfo;
  try {
    identity = await cwForTenant(tenant, cwAuth, {
      ...deps.cw,
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 1_000 },
    }).system.myMember();
  } catch (error) {
    if (error instanceof VendorError && error.code === 'authentication') throw notConfirmed();
    throw error;
  }
  if (identity.identifier.toLowerCase() !== claim.memberid.toLowerCase() || identity.inactiveFlag) {
    throw new AppError(
      'unauthorized',
      'ConnectWise answered for a different or inactive member than the one signing in.',
      { reason: 'member_mismatch' },
    );
  }

  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = now.plus({ minutes: deps.sessionTtlMinutes });
  // Each sign-in clears sessions that ended long enough ago to have been told to reload.
  await deleteExpiredSessions(deps.database.db, now.minus({ days: 1 }).toJSDate());
  const name =
    identity.fullName ?? ([identity.firstName, identity.lastName].filter(Boolean).join(' ') || identity.identifier);
  await insertSession(deps.database.db, {
    id,
    tenantId: tenant.id,
    tokenHash: hashToken(token),
    memberId: identity.identifier,
    memberName: name,
    memberEmail: identity.defaultEmail ?? claim.memberEmail ?? null,
    memberHashEnc: deps.secrets.seal(claim.memberHash, hashContext(id, 'member_hash')),
    memberContextEnc: claim.memberContext
      ? deps.secrets.seal(claim.memberContext, hashContext(id, 'member_context'))
      : null,
    createdAt: now.toJSDate(),
    expiresAt: expiresAt.toJSDate(),
  });
  return {
    token,
    expiresAt: expiresAt.toISO(),
    member: { id: identity.identifier, name, email: identity.defaultEmail ?? null },
    tenant: { id: tenant.id, name: tenant.name, companyId: tenant.companyId },
  };
}

/**
 * Requires `Authorization: Bearer <token>`. The token lives only in the pod's memory, so no
 * browser sends it on its own: a request forged from another site carries no credentials,
 * which is why no CSRF token is needed (see README, "Sessions").
 */
export function requireSession(deps: SessionDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = c.req.header('Authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token)
      throw new AppError('unauthorized', 'Not signed in. Open this page from ConnectWise Manage.', {
        reason: 'no_session',
      });
    const tokenHash = hashToken(token);
    const session = await findLiveSession(deps.database.db, tokenHash, deps.clock.now().toJSDate());
    if (!session) {
      const expired = await sessionExists(deps.database.db, tokenHash);
      throw new AppError(
        'unauthorized',
        expired
          ? 'Your session has expired. Reload the tab to sign in again.'
          : 'Not signed in. Open this page from ConnectWise Manage.',
        {
          reason: expired ? 'session_expired' : 'no_session',
        },
      );
    }
    const tenant = await getTenant(deps.database.db, session.tenantId);
    if (!tenant)
      throw new AppError('unauthorized', 'This ConnectWise instance is no longer registered. Reload the tab.', {
        reason: 'no_session',
      });
    c.set('auth', {
      session,
      tenant,
      member: { id: session.memberId, name: session.memberName, email: session.memberEmail },
      cwAuth: {
        kind: 'member',
        memberId: session.memberId,
        memberHash: deps.secrets.open(session.memberHashEnc, hashContext(session.id, 'member_hash')),
        memberContext: session.memberContextEnc
          ? deps.secrets.open(session.memberContextEnc, hashContext(session.id, 'member_context'))
          : undefined,
      },
    });
    await next();
  };
}

/** A ConnectWise client acting as the signed-in member. */
export function memberCw(c: Context<AppEnv>, deps: Pick<SessionDeps, 'cw'>) {
  const auth = c.get('auth');
  return cwForTenant(auth.tenant, auth.cwAuth, deps.cw);
}
