import { type ClientResponse, DetailedError, hc, parseResponse } from 'hono/client';
import type { AppType } from '../server/app.ts';

let bearer: string | undefined;
let distributor: string | undefined;

/** The session token lives only here, in memory: nothing a browser sends on its own. */
export function setBearer(token: string | undefined) {
  bearer = token;
}

/** The distributor the pages show: every request is about it, and the server scopes to it. */
export function setDistributor(kind: string | undefined) {
  distributor = kind;
}

/** Our own server, called through Hono's typed client so routes and pod cannot drift apart. */
export const api = hc<AppType>(location.origin, {
  headers: (): Record<string, string> => ({
    ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    ...(distributor ? { 'X-Distributor': distributor } : {}),
  }),
}).api;

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { reason?: string; fields?: { field: string; message: string }[]; detail?: string };
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }

  /** The vendor's own account of the failure (method, path, status), shown behind a toggle. */
  get detail(): string | null {
    return this.body.details?.detail ?? null;
  }

  /** The member must reload: the session ended or ConnectWise stopped accepting their sign-in. */
  get needsReload(): boolean {
    return this.status === 401;
  }
}

/** What a typed call answers on success, read by Hono's own parser (no cast of ours in between). */
export type OkBody<R extends ClientResponse<unknown>> = Awaited<Parsed<R>>;
type Parsed<R extends ClientResponse<unknown>> = ReturnType<typeof parseResponse<R>>;

/** What a client call answers on success, e.g. `Answer<typeof api.settings.$get>`. */
export type Answer<F extends (...args: never[]) => Promise<ClientResponse<unknown>>> = OkBody<Awaited<ReturnType<F>>>;

/**
 * Reads a typed answer with the Hono client's parseResponse, whose type is the route's own
 * success output, and turns the server's `{code,message,details}` into an ApiError.
 */
export async function read<R extends ClientResponse<unknown>>(response: Promise<R>): Parsed<R> {
  try {
    return await parseResponse(response);
  } catch (error) {
    if (error instanceof DetailedError) {
      const status = Number(error.statusCode ?? 0);
      throw new ApiError(status, errorBody(status, (error.detail as { data?: unknown } | undefined)?.data));
    }
    throw new ApiError(0, {
      code: 'network',
      message: `The sync server could not be reached (${(error as Error).message}).`,
    });
  }
}

function errorBody(status: number, body: unknown): ApiErrorBody {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    const { code, details } = body as { code?: unknown; details?: ApiErrorBody['details'] };
    return { code: typeof code === 'string' ? code : 'error', message: body.message, ...(details ? { details } : {}) };
  }
  return { code: 'bad_response', message: `The sync server answered ${status} without a readable body.` };
}

/** The technical detail behind a failure, when there is one, for a "details" toggle. */
export const detailOf = (error: unknown): string | null => (error instanceof ApiError ? error.detail : null);
