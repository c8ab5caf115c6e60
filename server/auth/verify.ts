import type { Tenant } from '../../db/queries/tenants.ts';
import { type Permissions, permissionsFrom } from '../../shared/schemas/permissions.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import type { CwMemberInfo } from '../connectwise/types.ts';
import { AppError } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import type { Vendors } from '../tenants/vendors.ts';

export interface Confirmed {
  identity: CwMemberInfo;
  permissions: Permissions;
}

/** Why ConnectWise's answer ends a sign-in; the pod shows `message` and offers a reload. */
export const refused = (reason: 'member_not_verified' | 'member_mismatch' | 'session_revoked', message: string) =>
  new AppError(reason === 'session_revoked' ? 'reload_required' : 'unauthorized', message, { reason });

const FAST = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 1_000 };

/**
 * Asks ConnectWise whether it still accepts the member, and what her security role allows.
 * Her own credentials must answer `/system/myMembers/info` for her; the role is then read with
 * the integration's API member, whose role may read members and security roles where hers may
 * not. A refusal throws `refusal()`; any other failure (ConnectWise down) propagates as is, so
 * nothing is allowed on a guess.
 */
export async function confirmMember(
  vendors: Vendors,
  tenant: Tenant,
  auth: Extract<CwAuth, { kind: 'member' }>,
  refusal: () => AppError,
): Promise<Confirmed> {
  let identity: CwMemberInfo;
  try {
    identity = await vendors.cw(tenant, auth, { retry: FAST }).system.myMember();
  } catch (error) {
    if (error instanceof VendorError && error.code === 'authentication') throw refusal();
    throw error;
  }
  if (identity.identifier.toLowerCase() !== auth.memberId.toLowerCase() || identity.inactiveFlag)
    throw refused(
      'member_mismatch',
      'ConnectWise answered for a different or inactive member than the one signing in.',
    );
  const api = vendors.apiMemberCw(tenant, { retry: FAST });
  const member = await api.system.member(identity.id);
  if (member.inactiveFlag) throw refusal();
  if (!member.securityRole) return { identity, permissions: permissionsFrom('no security role', []) };
  const settings = await api.system.roleSettings(member.securityRole.id);
  return { identity, permissions: permissionsFrom(member.securityRole.name, settings) };
}
