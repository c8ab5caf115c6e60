import { expect } from 'vitest';
import { memberAuth } from './sandbox.ts';
import type { Stack } from './stack.ts';

export interface Call {
  status: number;
  body: any;
}

/** Signs a sandbox member in to the stack's API and returns a caller that carries the session. */
export async function signedIn(stack: Stack, memberId: string) {
  const auth = (await memberAuth(stack.sandboxes, memberId)) as { memberHash: string; memberContext: string };
  const res = await stack.app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      site: stack.sandboxes.cw.site,
      companyid: stack.sandboxes.world.cw.companyId,
      memberid: memberId,
      memberHash: auth.memberHash,
      memberContext: auth.memberContext,
    }),
  });
  expect(res.status).toBe(201);
  const { token } = (await res.json()) as { token: string };
  return async (method: string, path: string, body?: unknown): Promise<Call> => {
    const r = await stack.app.request(`/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  };
}
