import { mapLimit } from '../../http/limit.ts';
import { send } from '../../http/send.ts';
import { VendorError } from '../../http/vendor-error.ts';
import { bearerReader, type Query } from '../bearer-get.ts';
import type { DistributorIo } from '../kind-contract.ts';
import { tokenCache } from '../token-cache.ts';
import { pax8Error } from './errors.ts';
import { pax8ListSchema, pax8TokenSchema } from './types.ts';

export const PAX8_PAGE_SIZE = 200;

export interface Pax8ApiOptions extends DistributorIo {
  /** `https://api.pax8.com/v1` */
  baseUrl: string;
  /** `https://token-manager.pax8.com/oauth/token`, or the older `https://login.pax8.com/oauth/token`. */
  tokenUrl: string;
  /** `https://api.pax8.com`, or `api://p8p.client` on older deployments. */
  audience: string;
  clientId: string;
  clientSecret: string;
}

/** Pax8's client-credentials grant: one token request, its answer checked. */
function pax8TokenRequest(
  options: Pax8ApiOptions,
  http: Omit<Parameters<typeof send>[0], 'method' | 'url' | 'toError' | 'headers'>,
) {
  async function fetchToken() {
    const response = await send({
      ...http,
      method: 'POST',
      url: options.tokenUrl,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        audience: options.audience,
        grant_type: 'client_credentials',
      }),
      toError: (res, text) => pax8Error('POST', options.tokenUrl, res, text),
    }).catch((error: unknown) => {
      // A token request changes nothing on Pax8's side, so "unknown outcome" is just a failure.
      if (error instanceof VendorError && error.code === 'unknown_outcome') {
        throw new VendorError({
          vendor: 'pax8',
          vendorName: 'Pax8',
          code: 'server',
          method: 'POST',
          path: error.path,
          message: 'Pax8 did not answer the token request.',
        });
      }
      throw error;
    });
    const parsed = pax8TokenSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      throw new VendorError({
        vendor: 'pax8',
        vendorName: 'Pax8',
        code: 'bad_response',
        method: 'POST',
        path: new URL(options.tokenUrl).pathname,
        message: 'Pax8 answered the token request without an access_token.',
      });
    }
    return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  }
  return fetchToken;
}

/**
 * Pax8's HTTP layer: a cached client-credentials token, bearer calls with the shared retry
 * rules, and every page of a list (size 200, the rest fetched with bounded concurrency once
 * the first page says how many there are).
 */
export function createPax8Api(options: Pax8ApiOptions) {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const http = {
    vendor: 'pax8',
    vendorName: 'Pax8',
    timeoutMs,
    retry: options.retry,
    fetch: options.fetch,
    onRequest: options.onRequest,
    ownHosts: options.ownHosts,
  };

  const fetchToken = pax8TokenRequest(options, http);
  const tokens = tokenCache(fetchToken, now);
  const token = tokens.token;

  const read = bearerReader({ ...http, token, forgetToken: tokens.forget, toError: pax8Error });
  const get = (path: string, query: Query = {}) => read(`${options.baseUrl.replace(/\/$/, '')}${path}`, query);

  /**
   * Every page of a paged list, each handed to `map` as it arrives so that transforming one
   * page overlaps waiting for the next. Lists that answer without `page` are one page.
   */
  async function pages<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    map: (content: unknown[]) => T,
  ): Promise<T[]> {
    const read = async (page: number) => {
      const body = pax8ListSchema.safeParse(await get(path, { ...query, page, size: PAX8_PAGE_SIZE }));
      if (!body.success) {
        throw new VendorError({
          vendor: 'pax8',
          vendorName: 'Pax8',
          code: 'bad_response',
          method: 'GET',
          path,
          message: `Pax8 answered ${path} without a content list.`,
        });
      }
      return body.data;
    };
    const first = await read(0);
    const total = first.page?.totalPages ?? 1;
    const rest = await mapLimit(
      Array.from({ length: Math.max(0, total - 1) }, (_, i) => i + 1),
      options.concurrency ?? 6,
      async (page) => map((await read(page)).content),
    );
    return [map(first.content), ...rest];
  }

  const list = async (path: string, query: Record<string, string | number | undefined> = {}) =>
    (await pages(path, query, (c) => c)).flat();

  /**
   * A write. It is sent once, never retried here: a timeout or a 5xx surfaces as
   * `unknown_outcome`, and the caller looks for what it wrote before trying again.
   */
  async function post(path: string, body: unknown): Promise<unknown> {
    const url = `${options.baseUrl.replace(/\/$/, '')}${path}`;
    const response = await send({
      vendor: 'pax8',
      vendorName: 'Pax8',
      method: 'POST',
      url,
      headers: {
        Authorization: `Bearer ${await token()}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
      timeoutMs,
      retry: options.retry,
      fetch: options.fetch,
      toError: (res, text) => pax8Error('POST', url, res, text),
      onRequest: options.onRequest,
      ownHosts: options.ownHosts,
    });
    return response.json().catch(() => {
      throw new VendorError({
        vendor: 'pax8',
        vendorName: 'Pax8',
        code: 'bad_response',
        method: 'POST',
        path: new URL(url).pathname,
        message: `Pax8 answered ${path} with something that is not JSON.`,
      });
    });
  }

  return { token, get, list, pages, post };
}

export type Pax8Api = ReturnType<typeof createPax8Api>;
