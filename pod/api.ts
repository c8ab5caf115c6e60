import { hc } from 'hono/client';
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

/** Reads a typed answer, turning the server's `{code,message,details}` into an ApiError. */
export async function read<T>(
  response: Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>,
): Promise<T> {
  let res;
  try {
    res = await response;
  } catch (error) {
    throw new ApiError(0, {
      code: 'network',
      message: `The sync server could not be reached (${(error as Error).message}).`,
    });
  }
  const body = (await res
    .json()
    .catch(() => ({
      code: 'bad_response',
      message: `The sync server answered ${res.status} without a readable body.`,
    }))) as unknown;
  if (!res.ok) throw new ApiError(res.status, body as ApiErrorBody);
  return body as T;
}
