import type { ClientResponse } from 'hono/client';
import { testClient } from 'hono/testing';
import { expect } from 'vitest';
import type { AppType } from '../../server/app.ts';
import { memberAuth } from './sandbox.ts';
import type { Stack } from './stack.ts';

/** A signed-in member's typed client of the API: paths, parameters, queries and bodies as the routes declare them. */
export type Caller = ReturnType<typeof testClient<AppType>>['api'];

/** The server's error answer, `{ code, message, details }`. */
export interface ErrorBody {
  code: string;
  message: string;
  details: { reason?: string; fields: { field: string; message: string }[]; [key: string]: unknown };
}

type Success<R> =
  R extends ClientResponse<infer T, infer S, string> ? (S extends 200 | 201 | 202 | 204 ? T : never) : never;
/** A CSV route answers text; every other answer is JSON. */
type Body<T> = [T] extends [never] ? unknown : [T] extends [string] ? string : Exclude<T, string>;

/**
 * An answer read as its route declares it. The body is typed from the route's success output
 * (so a changed response shape fails the type check); error answers carry `{ code, message,
 * details }`, which a test reads after checking the status.
 */
export interface Call<B = unknown> {
  status: number;
  body: B & ErrorBody;
}

export async function answer<R extends ClientResponse<unknown, number, string>>(
  request: Promise<R>,
): Promise<Call<Body<Success<R>>>> {
  const r = await request;
  const text = await r.text();
  // NOTE: the one place a test trusts an answer to match its route's declared type.
  return {
    status: r.status,
    body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as never,
  };
}

/** A file uploaded as its bytes, as the pod sends it. */
export const upload = (bytes: Uint8Array) => ({
  // The client's `init` replaces its headers: the type goes in `headers`, merged with the session's.
  headers: { 'content-type': 'text/csv' },
  init: { body: bytes as Uint8Array<ArrayBuffer> },
});

/**
 * Signs a sandbox member in to the stack's API and returns a client that carries the session,
 * and the distributor the pod would be showing (the first connected, when none is named).
 */
export async function signedIn(
  stack: Stack,
  memberId: string,
  options: { distributor?: string } = {},
): Promise<Caller> {
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
  const headers = {
    Authorization: `Bearer ${token}`,
    ...(options.distributor ? { 'X-Distributor': options.distributor } : {}),
  };
  return testClient(stack.app, {}, undefined, { headers }).api;
}

/** Narrows a plan to one that can be written, failing the test with the reason when it is blocked. */
export function okPlan<P extends { status: string; reason?: string }>(plan: P): Extract<P, { status: 'ok' }> {
  if (plan.status !== 'ok') throw new Error(`expected a plan that can be written, got ${plan.status}: ${plan.reason}`);
  return plan as Extract<P, { status: 'ok' }>;
}
