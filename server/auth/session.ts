import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { DatabaseHandle } from '../../db/client.ts';
import {
  deleteExpiredSessions,
  endSession,
  findLiveSession,
  insertSession,
  type MemberSession,
  recordVerification,
  sessionExists,
} from '../../db/queries/sessions.ts';
import { findTenantBySite, getTenant, type Tenant } from '../../db/queries/tenants.ts';
import type { Permissions } from '../../shared/schemas/permissions.ts';
import type { MemberAuthentication, SessionInfo } from '../../shared/schemas/session.ts';
import type { Clock } from '../clock.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import type { SecretBox } from '../crypto.ts';
import { AppError } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import type { Vendors } from '../tenants/vendors.ts';
import { confirmMember, refused } from './verify.ts';

type MemberAuth = Extract<CwAuth, { kind: 'member' }>;

/** Who is calling: a verified member of one tenant. Every `/api` route reads it from here. */
export interface SessionContext {
  session: MemberSession;
  tenant: Tenant;
  member: { id: string; name: string; email: string | null };
  /** What her ConnectWise role allows, confirmed at most five minutes ago (just now before a write). */
  permissions: Permissions;
  /** The member's own ConnectWise credentials, for writes that must run as them. */
  cwAuth: MemberAuth;
  /** ConnectWise confirmed her during this very request: a write need not ask again. */
  confirmedNow: boolean;
}

export type AppEnv = { Variables: { auth: SessionContext } };

export interface SessionDeps {
  database: DatabaseHandle;
  secrets: SecretBox;
  clock: Clock;
  sessionTtlMinutes: number;
  vendors: Vendors;
}

/** How long ConnectWise's word on a member and her role is trusted before it is asked again. */
export const REVERIFY_MS = 5 * 60_000;

const notConfirmed = () =>
  refused(
    'member_not_verified',
    'ConnectWise did not confirm your sign-in. Reload the tab; if it keeps happening, sign out of ConnectWise ' +
      'and in again, or ask an administrator whether this instance is set up here.',
  );
const revoked = () =>
  refused(
    'session_revoked',
    'ConnectWise no longer accepts your sign-in, so you have been signed out here. Reload the tab to sign in again.',
  );

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const hashContext = (sessionId: string, what: string) => `session:${sessionId}:${what}`;

/** A session's own ConnectWise credentials, unsealed only to act for her. */
export function sessionCwAuth(secrets: SecretBox, session: MemberSession): MemberAuth {
  return {
    kind: 'member',
    memberId: session.memberId,
    memberHash: secrets.open(session.memberHashEnc, hashContext(session.id, 'member_hash')),
    memberContext: session.memberContextEnc
      ? secrets.open(session.memberContextEnc, hashContext(session.id, 'member_context'))
      : undefined,
  };
}

/**
 * Turns Manage's member authentication into a session, trusting nothing the browser says:
 * the tenant comes from our own records (site and company id), ConnectWise itself must answer
 * `/system/myMembers/info` with the claimed member for the credentials given, and what she may
 * do comes from her ConnectWise security role.
 */
export async function createMemberSession(deps: SessionDeps, claim: MemberAuthentication): Promise<SessionInfo> {
  const tenant = await findTenantBySite(deps.database.db, claim.site, claim.companyid);
  // An unknown instance gets the same answer as a refused sign-in: a caller without a
  // session cannot tell which sites and companies are registered here.
  if (!tenant) throw notConfirmed();
  const cwAuth: MemberAuth = {
    kind: 'member',
    memberId: claim.memberid,
    memberHash: claim.memberHash,
    memberContext: claim.memberContext ?? undefined,
  };
  const { identity, permissions } = await confirmMember(deps.vendors, tenant, cwAuth, notConfirmed);

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
    permissions,
    verifiedAt: now.toJSDate(),
    createdAt: now.toJSDate(),
    expiresAt: expiresAt.toJSDate(),
  });
  return {
    token,
    expiresAt: expiresAt.toISO(),
    member: { id: identity.identifier, name, email: identity.defaultEmail ?? null },
    tenant: { id: tenant.id, name: tenant.name, companyId: tenant.companyId },
    permissions,
  };
}

/**
 * Asks ConnectWise again about the caller. A member it refuses is signed out here at once;
 * otherwise her role is stored as read now, so a changed role counts from this request on.
 */
export async function reverify(deps: SessionDeps, auth: SessionContext): Promise<void> {
  const now = deps.clock.now().toJSDate();
  try {
    const { permissions } = await confirmMember(deps.vendors, auth.tenant, auth.cwAuth, revoked);
    await recordVerification(deps.database.db, auth.tenant.id, auth.session.id, permissions, now);
    auth.permissions = permissions;
    auth.confirmedNow = true;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'unauthorized' || error.code === 'reload_required')) {
      await endSession(deps.database.db, auth.tenant.id, auth.session.id, now);
      throw revoked();
    }
    throw error;
  }
}

/**
 * Requires `Authorization: Bearer <token>`. The token lives only in the pod's memory, so no
 * browser sends it on its own: a request forged from another site carries no credentials,
 * which is why no CSRF token is needed (see `server/auth/README.md`, "Sessions"). A session ConnectWise has not
 * confirmed for five minutes is confirmed again before the request goes on.
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
          ? 'Your session has ended. Reload the tab to sign in again.'
          : 'Not signed in. Open this page from ConnectWise Manage.',
        { reason: expired ? 'session_expired' : 'no_session' },
      );
    }
    const tenant = await getTenant(deps.database.db, session.tenantId);
    if (!tenant)
      throw new AppError('unauthorized', 'This ConnectWise instance is no longer registered. Reload the tab.', {
        reason: 'no_session',
      });
    const auth: SessionContext = {
      session,
      tenant,
      member: { id: session.memberId, name: session.memberName, email: session.memberEmail },
      permissions: session.permissions,
      cwAuth: sessionCwAuth(deps.secrets, session),
      confirmedNow: false,
    };
    if (deps.clock.now().toMillis() - session.verifiedAt.getTime() >= REVERIFY_MS) await reverify(deps, auth);
    c.set('auth', auth);
    await next();
    // ConnectWise refused her own credentials during the request: she is signed out here too.
    if (c.error instanceof VendorError && c.error.vendor === 'connectwise' && c.error.code === 'authentication')
      await endSession(deps.database.db, tenant.id, session.id, deps.clock.now().toJSDate());
  };
}

/** A ConnectWise client acting as the signed-in member. */
export function memberCw(c: Context<AppEnv>, deps: Pick<SessionDeps, 'vendors'>) {
  const auth = c.get('auth');
  return deps.vendors.cw(auth.tenant, auth.cwAuth);
}
