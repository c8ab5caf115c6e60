import { mapLimit } from '../../http/limit.ts';
import { send } from '../../http/send.ts';
import { VendorError } from '../../http/vendor-error.ts';
import { bearerReader, type Query } from '../bearer-get.ts';
import type { DistributorIo } from '../kind-contract.ts';
import { tokenCache } from '../token-cache.ts';
import { SOPHOS, sophosError } from './errors.ts';
import { sophosPageSchema, sophosTokenSchema, sophosWhoamiSchema } from './types.ts';

export const SOPHOS_PAGE_SIZE = 100;

export interface SophosApiOptions extends DistributorIo {
  /** `https://id.sophos.com/api/v2/oauth2/token` */
  tokenUrl: string;
  /** `https://api.central.sophos.com`: where `whoami` is asked; partner calls go to the host it names. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
}

const badResponse = (method: string, path: string, message: string) =>
  new VendorError({ ...SOPHOS, code: 'bad_response', method, path, message });

/** Sophos Central's client-credentials grant at id.sophos.com: one token request, its answer checked. */
function sophosTokenRequest(
  options: SophosApiOptions,
  http: Omit<Parameters<typeof send>[0], 'method' | 'url' | 'toError' | 'headers'>,
) {
  async function grant() {
    const response = await send({
      ...http,
      method: 'POST',
      url: options.tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
        scope: 'token',
      }).toString(),
      toError: (res, text) => sophosError('POST', options.tokenUrl, res, text),
    }).catch((error: unknown) => {
      // A token request changes nothing at Sophos, so "unknown outcome" is just a failure.
      if (error instanceof VendorError && error.code === 'unknown_outcome')
        throw new VendorError({
          ...SOPHOS,
          code: 'server',
          method: 'POST',
          path: error.path,
          message: 'Sophos Central did not answer the token request.',
        });
      throw error;
    });
    const parsed = sophosTokenSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw badResponse(
        'POST',
        new URL(options.tokenUrl).pathname,
        'Sophos Central answered the token request without an access_token.',
      );
    return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  }
  return grant;
}

/**
 * Sophos Central's HTTP layer: the client-credentials grant (form-encoded, `scope=token`), then
 * `whoami` once for the partner's id and API host, then partner calls with `X-Partner-ID`,
 * page-numbered from 1 with the total asked for on the first page.
 */
export function createSophosApi(options: SophosApiOptions) {
  const now = options.now ?? Date.now;
  const http = {
    ...SOPHOS,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: options.retry,
    fetch: options.fetch,
    onRequest: options.onRequest,
    ownHosts: options.ownHosts,
  };

  const grant = sophosTokenRequest(options, http);
  const tokens = tokenCache(grant, now);

  const read = bearerReader({ ...http, token: tokens.token, forgetToken: tokens.forget, toError: sophosError });

  let partner: Promise<{ id: string; host: string }> | undefined;
  /** The partner behind the credentials, asked once: credentials of a tenant or an organization are refused. */
  function whoami() {
    partner ??= (async () => {
      const url = new URL('/whoami/v1', options.apiUrl);
      const parsed = sophosWhoamiSchema.safeParse(await read(url.toString()));
      if (!parsed.success)
        throw badResponse('GET', url.pathname, 'Sophos Central answered whoami without an id and API host.');
      if (parsed.data.idType !== 'partner')
        throw new VendorError({
          ...SOPHOS,
          code: 'permission',
          method: 'GET',
          path: url.pathname,
          message:
            `These Sophos Central credentials belong to a ${parsed.data.idType}, not a partner: create ` +
            `them in Sophos Central Partner › Settings › API Credentials.`,
        });
      return { id: parsed.data.id, host: parsed.data.apiHosts.global };
    })().catch((error: unknown) => {
      partner = undefined;
      throw error;
    });
    return partner;
  }

  /** A partner call, with the partner's id. */
  async function get(path: string, query: Query = {}): Promise<unknown> {
    const who = await whoami();
    return read(new URL(path, who.host).toString(), query, { 'X-Partner-ID': who.id });
  }

  /**
   * Every page of a list. The first asks for the total. A key-paged list (billing usage) is
   * followed by `pages.nextKey`, one page after another; a page-numbered one (tenants) reads
   * the rest with bounded concurrency. A page that repeats one already read (a server that
   * ignored how the next was asked for) ends the read: its records are never counted twice.
   */
  async function list(path: string, query: Record<string, string | number | undefined> = {}): Promise<unknown[]> {
    const read = async (at: { page?: number; pageFromKey?: string }) => {
      const body = sophosPageSchema.safeParse(
        await get(path, {
          ...query,
          ...at,
          pageSize: SOPHOS_PAGE_SIZE,
          ...(at.pageFromKey ? {} : { pageTotal: 'true' }),
        }),
      );
      if (!body.success) throw badResponse('GET', path, `Sophos Central answered ${path} without an items list.`);
      return body.data;
    };
    const first = await read({});
    const seen = new Set([JSON.stringify(first.items)]);
    const pages = [first.items];
    if (first.pages?.nextKey) {
      const keys = new Set<string>();
      for (let key: string | null | undefined = first.pages.nextKey; key && !keys.has(key); ) {
        keys.add(key);
        const next = await read({ pageFromKey: key });
        const text = JSON.stringify(next.items);
        if (next.items.length === 0 || seen.has(text)) break;
        seen.add(text);
        pages.push(next.items);
        key = next.pages?.nextKey;
      }
      return pages.flat();
    }
    const total = first.pages?.total ?? 1;
    const rest = await mapLimit(
      Array.from({ length: Math.max(0, total - 1) }, (_, i) => i + 2),
      options.concurrency ?? 6,
      async (page) => (await read({ page })).items,
    );
    for (const items of rest) {
      const text = JSON.stringify(items);
      if (seen.has(text)) continue;
      seen.add(text);
      pages.push(items);
    }
    return pages.flat();
  }

  return { token: tokens.token, whoami, get, list };
}

export type SophosApi = ReturnType<typeof createSophosApi>;
