import type { RetryPolicy } from '../http/retry.ts';
import { type RequestEvent, send } from '../http/send.ts';
import { VendorError } from '../http/vendor-error.ts';

export interface BearerGetOptions {
  vendor: string;
  vendorName: string;
  url: URL;
  /** The access token to send, fetched or cached by the caller. */
  token: () => Promise<string>;
  /** Forgets the cached access token; false when there was none to forget. */
  forgetToken: () => boolean;
  toError: (response: Response, text: string) => VendorError;
  timeoutMs: number;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  onRequest?: (event: RequestEvent) => void;
  ownHosts?: RegExp;
  /** Headers a vendor needs besides the token (Sophos Central's `X-Partner-ID`). */
  headers?: Record<string, string>;
  /** A read asked for by POST with a JSON body (StreamOne Ion's report data). */
  post?: unknown;
}

/**
 * A distributor read with a bearer token and the shared retry rules. A token can be revoked
 * before it expires, so a refusal with a cached token gets one more try with a new one.
 */
export async function bearerGet(o: BearerGetOptions): Promise<unknown> {
  const attempt = async () =>
    send({
      vendor: o.vendor,
      vendorName: o.vendorName,
      method: o.post === undefined ? 'GET' : 'POST',
      url: o.url.toString(),
      headers: {
        Authorization: `Bearer ${await o.token()}`,
        Accept: 'application/json',
        ...(o.post === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...o.headers,
      },
      ...(o.post === undefined ? {} : { body: JSON.stringify(o.post), readOnly: true }),
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      fetch: o.fetch,
      ownHosts: o.ownHosts,
      toError: o.toError,
      onRequest: o.onRequest,
    });
  let response: Response;
  try {
    response = await attempt();
  } catch (error) {
    if (!(error instanceof VendorError && error.code === 'authentication' && o.forgetToken())) throw error;
    response = await attempt();
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new VendorError({
      vendor: o.vendor,
      vendorName: o.vendorName,
      code: 'bad_response',
      method: o.post === undefined ? 'GET' : 'POST',
      path: o.url.pathname,
      message: `${o.vendorName} answered ${o.url.pathname} with something that is not JSON.`,
    });
  }
}

/** A URL under `base` with the query's non-empty values set. */
export function urlWithQuery(base: string, query: Record<string, string | number | undefined> = {}): URL {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url;
}

export type Query = Record<string, string | number | undefined>;

/**
 * A distributor's reads: a URL and its query, with its bearer token, the shared retry rules, and
 * its own reading of an error answer. Each vendor's client says only where its paths live.
 */
export function bearerReader(
  o: Omit<BearerGetOptions, 'url' | 'toError' | 'headers' | 'post'> & {
    toError: (method: 'GET', url: string, response: Response, text: string) => VendorError;
  },
) {
  return (base: string, query: Query = {}, headers?: Record<string, string>): Promise<unknown> => {
    const url = urlWithQuery(base, query);
    return bearerGet({ ...o, url, headers, toError: (res, text) => o.toError('GET', url.toString(), res, text) });
  };
}
