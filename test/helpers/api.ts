import type { ExtractSchema } from 'hono/types';
import { expect } from 'vitest';
import type { AppType } from '../../server/app.ts';
import { memberAuth } from './sandbox.ts';
import type { Stack } from './stack.ts';

type Schema = ExtractSchema<AppType>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `/api/companies/:id/tab` → `/companies/${string}/tab`: the shape a concrete path must have. */
type Pattern<K> = K extends `/api${infer Rest}` ? Segments<Rest> : never;
type Segments<P> = P extends `/:${string}/${infer Rest}`
  ? `/${string}${Segments<`/${Rest}`>}`
  : P extends `/:${string}`
    ? `/${string}`
    : P extends `/${infer Head}/${infer Rest}`
      ? `/${Head}${Segments<`/${Rest}`>}`
      : P;
type WithoutQuery<P extends string> = P extends `${infer Path}?${string}` ? Path : P;

/** The route keys a concrete path and method can reach (a static route and a `:param` one may both match). */
type RouteOf<M extends Method, P extends string> = {
  [K in keyof Schema]: WithoutQuery<P> extends Pattern<K>
    ? `$${Lowercase<M>}` extends keyof Schema[K]
      ? K
      : never
    : never;
}[keyof Schema];

type Output<M extends Method, P extends string> =
  RouteOf<M, P> extends infer K
    ? K extends keyof Schema
      ? Schema[K][`$${Lowercase<M>}` & keyof Schema[K]] extends infer E
        ? E extends { output: infer O; status: infer S }
          ? S extends 200 | 201 | 202 | 204
            ? O
            : never
          : never
        : never
      : never
    : never;

/** The server's error answer, `{ code, message, details }`. */
export interface ErrorBody {
  code: string;
  message: string;
  details: { reason?: string; fields: { field: string; message: string }[]; [key: string]: unknown };
}

/**
 * An answer read as its route declares it. The body is typed from the route's success output
 * (so a changed response shape fails the type check); error answers carry `{ code, message,
 * details }`, which a test reads after checking the status.
 */
export interface Call<B = unknown> {
  status: number;
  body: B & ErrorBody;
}

export type Caller = <M extends Method, P extends string>(
  method: M,
  path: P,
  body?: unknown,
) => Promise<Call<Body<Output<M, P>, P>>>;

/** A CSV route answers text; every other answer is JSON. */
type Body<O, P extends string> = [O] extends [never]
  ? unknown
  : P extends `${string}.csv`
    ? string
    : Exclude<O, string>;

/**
 * Signs a sandbox member in to the stack's API and returns a caller that carries the session,
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
  return async (method, path, body) => {
    // A file is uploaded as its bytes.
    const raw = body instanceof Uint8Array;
    const r = await stack.app.request(`/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options.distributor ? { 'X-Distributor': options.distributor } : {}),
        ...(body === undefined ? {} : { 'content-type': raw ? 'text/csv' : 'application/json' }),
      },
      body: body === undefined ? undefined : raw ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
    });
    const text = await r.text();
    // NOTE: the one place a test trusts an answer to match its route's declared type.
    return {
      status: r.status,
      body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as never,
    };
  };
}

/** Narrows a plan to one that can be written, failing the test with the reason when it is blocked. */
export function okPlan<P extends { status: string; reason?: string }>(plan: P): Extract<P, { status: 'ok' }> {
  if (plan.status !== 'ok') throw new Error(`expected a plan that can be written, got ${plan.status}: ${plan.reason}`);
  return plan as Extract<P, { status: 'ok' }>;
}
