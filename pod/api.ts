import { type ClientResponse, hc } from 'hono/client';
import type { ResponseFormat } from 'hono/types';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '../server/app.ts';

let bearer: string | undefined;

/** The session token lives only here, in memory: nothing a browser sends on its own. */
export function setBearer(token: string | undefined) {
  bearer = token;
}

/** Our own server, called through Hono's typed client so routes and pod cannot drift apart. */
export const api = hc<AppType>(location.origin, {
  headers: (): Record<string, string> => (bearer ? { Authorization: `Bearer ${bearer}` } : {}),
}).api;

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { reason?: string; fields?: { field: string; message: string }[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }

  /** The member must reload: the session ended or ConnectWise stopped accepting their sign-in. */
  get needsReload(): boolean {
    return this.status === 401;
  }
}

/**
 * The body of a route's successful answers, as the server's own types declare it: a changed
 * response shape breaks the pod at type-check time, not in a member's browser.
 */
export type OkBody<R> =
  R extends ClientResponse<infer T, infer S, infer F>
    ? [Extract<S, SuccessStatusCode>] extends [never]
      ? never
      : F extends 'json'
        ? T
        : never
    : never;

/** What a client call answers on success, e.g. `Answer<typeof api.settings.$get>`. */
export type Answer<F extends (...args: never[]) => Promise<unknown>> = OkBody<Awaited<ReturnType<F>>>;

/** Reads a typed answer, turning the server's `{code,message,details}` into an ApiError. */
export async function read<R extends ClientResponse<unknown, number, ResponseFormat>>(
  response: Promise<R>,
): Promise<OkBody<R>> {
  let res: R;
  try {
    res = await response;
  } catch (error) {
    throw new ApiError(0, {
      code: 'network',
      message: `The sync server could not be reached (${(error as Error).message}).`,
    });
  }
  if (!res.ok) throw new ApiError(res.status, await errorBody(res));
  // NOTE: the one place an answer is trusted to match its route's declared type; the type itself comes from the route.
  return (await res.json()) as OkBody<R>;
}

async function errorBody(res: { status: number; json(): Promise<unknown> }): Promise<ApiErrorBody> {
  const body = await res.json().catch(() => null);
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    return body as ApiErrorBody;
  }
  return { code: 'bad_response', message: `The sync server answered ${res.status} without a readable body.` };
}
