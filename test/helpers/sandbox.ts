import type { CwAuth } from '../../server/connectwise/auth.ts';
import { type CwClientOptions, createCwClient } from '../../server/connectwise/client.ts';
import { createPax8Distributor } from '../../server/distributors/pax8/adapter.ts';
import { createPax8Api, type Pax8ApiOptions } from '../../server/distributors/pax8/api.ts';
import type { RequestEvent } from '../../server/http/send.ts';
import { type RunningSandboxes, type SandboxOptions, startSandboxes } from '../../server/sandbox/start.ts';

export const SANDBOX_TODAY = '2026-11-22';
/** Retries that keep tests quick while still exercising every rule. */
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 5_000 };

export function startTestSandboxes(options: Partial<SandboxOptions> = {}): Promise<RunningSandboxes> {
  return startSandboxes({ today: SANDBOX_TODAY, cwRateLimitPerMinute: null, ...options });
}

export const apiMemberAuth = (s: RunningSandboxes): CwAuth => ({
  kind: 'apiMember',
  publicKey: s.world.cw.apiMembers[0]!.publicKey,
  privateKey: s.world.cw.apiMembers[0]!.privateKey,
});

/** Signs a member in through the sandbox's Manage login, as the host page does. */
export async function memberAuth(s: RunningSandboxes, memberId: string, password = 'sandbox'): Promise<CwAuth> {
  const res = await fetch(`${s.cw.url}/${s.world.cw.codebase}login/login.aspx?response=json`, {
    method: 'POST',
    body: new URLSearchParams({ CompanyName: s.world.cw.companyId, UserName: memberId, Password: password }),
  });
  const body = (await res.json()) as { Success: boolean; Hash: string; MemberContext: string };
  if (!body.Success) throw new Error(`sandbox login failed for ${memberId}`);
  return { kind: 'member', memberId, memberHash: body.Hash, memberContext: body.MemberContext };
}

export function cwClientFor(
  s: RunningSandboxes,
  auth: CwAuth = apiMemberAuth(s),
  extra: Partial<CwClientOptions> = {},
) {
  const events: RequestEvent[] = [];
  const client = createCwClient({
    site: s.cw.site,
    protocol: 'http',
    companyId: s.world.cw.companyId,
    clientId: s.world.cw.clientId,
    auth,
    retry: FAST_RETRY,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { client, events };
}

export function pax8For(s: RunningSandboxes, extra: Partial<Pax8ApiOptions> = {}) {
  const events: RequestEvent[] = [];
  const api = createPax8Api({
    baseUrl: s.pax8.baseUrl,
    tokenUrl: s.pax8.tokenUrl,
    audience: 'https://api.pax8.com',
    clientId: s.world.pax8.clientId,
    clientSecret: s.world.pax8.clientSecret,
    retry: FAST_RETRY,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { api, distributor: createPax8Distributor(api), events };
}

export async function setFaults(baseUrl: string, config: { latencyMs?: number; rules: Record<string, unknown>[] }) {
  const res = await fetch(`${baseUrl}/__sandbox/faults`, {
    method: 'PUT',
    body: JSON.stringify(config),
    headers: { 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`could not set faults: ${await res.text()}`);
}
