import { z } from 'zod/mini';
import type { Permissions } from './permissions.ts';

/**
 * What Manage's `getMemberAuthentication` answers (mind the mixed casing). The pod passes it
 * to the server as it came; the server trusts none of it until ConnectWise confirms the member.
 */
export const memberAuthenticationSchema = z.looseObject({
  site: z.string().check(z.minLength(1, 'site is missing from the member authentication')),
  companyid: z.string().check(z.minLength(1, 'companyid is missing from the member authentication')),
  memberid: z.string().check(z.minLength(1, 'memberid is missing from the member authentication')),
  memberHash: z.string().check(z.minLength(1, 'memberHash is missing from the member authentication')),
  memberContext: z.optional(z.nullable(z.string())),
  memberEmail: z.optional(z.nullable(z.string())),
  codeBase: z.optional(z.nullable(z.string())),
});
export type MemberAuthentication = z.infer<typeof memberAuthenticationSchema>;

export interface SessionInfo {
  token: string;
  expiresAt: string;
  member: { id: string; name: string; email: string | null };
  tenant: { id: string; name: string; companyId: string };
  permissions: Permissions;
}

export const SCREENS = ['company', 'agreement'] as const;
export type Screen = (typeof SCREENS)[number];

export const recordParamsSchema = z.object({
  screen: z.enum(SCREENS),
  id: z.string().check(z.regex(/^\d+$/, 'id must be a ConnectWise record number')),
});

export interface RecordSummary {
  screen: Screen;
  id: number;
  name: string;
  /** A line of context: the agreement's company, or the company's identifier. */
  detail: string | null;
}
