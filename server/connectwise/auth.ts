/** Who a ConnectWise call runs as; the caller chooses, the client never guesses. */
export type CwAuth =
  | { kind: 'apiMember'; publicKey: string; privateKey: string }
  | { kind: 'member'; memberId: string; memberHash: string; memberContext?: string };

/**
 * API members sign with `<companyId>+<publicKey>:<privateKey>`; a logged-in member with
 * `<companyId>+<memberId>:<memberHash>`, plus Manage's session cookies so the write runs in
 * that member's context and shows in Manage's audit trail under their name.
 */
export function authHeaders(companyId: string, auth: CwAuth): Record<string, string> {
  if (auth.kind === 'apiMember') {
    return {
      Authorization: `Basic ${Buffer.from(`${companyId}+${auth.publicKey}:${auth.privateKey}`).toString('base64')}`,
    };
  }
  const headers: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${companyId}+${auth.memberId}:${auth.memberHash}`).toString('base64')}`,
  };
  if (auth.memberContext) {
    headers.Cookie = [
      `companyName=${encodeURIComponent(companyId)}`,
      `memberId=${encodeURIComponent(auth.memberId)}`,
      `memberHash=${encodeURIComponent(auth.memberHash)}`,
      `memberContext=${encodeURIComponent(auth.memberContext)}`,
    ].join('; ');
  }
  return headers;
}
