import { sleep } from '../../http/retry.ts';
import { send } from '../../http/send.ts';
import { VendorError } from '../../http/vendor-error.ts';
import { bearerGet, bearerReader, type Query } from '../bearer-get.ts';
import type { DistributorIo } from '../kind-contract.ts';
import { tokenCache } from '../token-cache.ts';
import { ION, ionError, RECONNECT } from './errors.ts';
import {
  ionOffsetPageSchema,
  ionPageSchema,
  ionReportCsvSchema,
  ionReportListSchema,
  ionTokenSchema,
} from './types.ts';

/** Ion answers at most 100 records a page. */
export const ION_PAGE_SIZE = 100;

/** What is stored for the connection's tokens: the refresh token, and the access token processes share. */
export interface IonTokens {
  refreshToken: string;
  /** An access token a process got, shared by every process until shortly before it expires. */
  accessToken?: { token: string; expiresAt: number };
}

/**
 * Where the tokens live. Ion's refresh tokens are single-use: each grant returns the next one,
 * and it must be stored before anything else happens, or the connection is lost.
 */
export interface RefreshTokenStore {
  /** The tokens as stored now (another process may have used and replaced them). */
  read(): Promise<IonTokens>;
  /**
   * Replaces the tokens, only if `used` is still the stored refresh token. False when another
   * process replaced it first.
   */
  replace(used: string, next: IonTokens): Promise<boolean>;
  /**
   * Runs `fn` with the stored tokens locked, so one grant per tenant is made at a time across
   * processes (a row lock); `fn` reads and replaces through the store it is given.
   */
  lock?<T>(fn: (store: RefreshTokenStore) => Promise<T>): Promise<T>;
}

export interface IonApiOptions extends DistributorIo {
  /** `https://ion.tdsynnex.com`: the token endpoint is `/oauth/token`, the API `/api/v3`. */
  baseUrl: string;
  accountId: string;
  tokens: RefreshTokenStore;
}

/** How long a refused grant waits for another process's rotation to land before calling the token lost. */
const ROTATION_LOOKS = 5;
const ROTATION_WAIT_MS = 200;
/** A new refresh token's store is tried this many times, backing off, before the process keeps it in memory. */
const STORE_TRIES = 4;
const STORE_WAIT_MS = 150;
/** A shared access token is used while it has this long left. */
const SHARED_MARGIN_MS = 5 * 60_000;

/** Ion answered 2xx without what the call reads: `what` names it ("an items list"). */
const badAnswer = (method: string, path: string, what: string) =>
  new VendorError({
    ...ION,
    code: 'bad_response',
    method,
    path,
    message: `StreamOne Ion answered ${path} without ${what}.`,
  });

/**
 * Ion's refresh-token grant: each use of the stored refresh token rotates it, so the new one is
 * stored before the access token is used, one grant at a time per tenant where the store locks.
 */
function ionTokenGrant(
  options: IonApiOptions,
  http: Omit<Parameters<typeof send>[0], 'method' | 'url' | 'toError' | 'headers'>,
  tokenUrl: string,
  now: () => number,
) {
  /** Once Ion has refused the stored refresh token, it is not presented again until it changes. */
  let refused: { refreshToken: string; error: VendorError } | undefined;

  async function grant(refreshToken: string) {
    // As a write, a grant is repeated only after a 429 (not applied): once it reached Ion, the token is spent.
    const response = await send({
      ...http,
      method: 'POST',
      url: tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      toError: (res, text) => ionError('POST', tokenUrl, res, text),
    });
    const parsed = ionTokenSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw new VendorError({
        ...ION,
        code: 'bad_response',
        method: 'POST',
        path: '/oauth/token',
        message: `StreamOne Ion answered the token request without an access and refresh token. ${RECONNECT}`,
      });
    return parsed.data;
  }

  /** Whether the stored token changed from `used`, looking a few times over a second. */
  async function rotatedSince(store: RefreshTokenStore, used: string): Promise<boolean> {
    for (let look = 0; look < ROTATION_LOOKS; look++) {
      if ((await store.read()).refreshToken !== used) return true;
      await sleep(ROTATION_WAIT_MS);
    }
    return false;
  }

  /**
   * A refresh token Ion issued that could not be stored yet: kept in this process, used for
   * the next grant, and stored before anything else is done with the connection.
   */
  let unsaved: { used: string; next: IonTokens } | undefined;

  /**
   * Stores `unsaved`, retrying with backoff. Whatever is stored now is replaced: the token we
   * used, or one another process stored meanwhile (ours was issued after it, and is as good).
   */
  async function storeUnsaved(store: RefreshTokenStore): Promise<void> {
    for (let attempt = 1; unsaved && attempt <= STORE_TRIES; attempt++) {
      try {
        const { refreshToken: current } = await store.read();
        if (current === unsaved.next.refreshToken || (await store.replace(current, unsaved.next))) unsaved = undefined;
      } catch {
        // The database did not take it: try again, then keep it in memory.
      }
      if (unsaved && attempt < STORE_TRIES) await sleep(STORE_WAIT_MS * attempt);
    }
  }

  async function fetchTokenWith(store: RefreshTokenStore) {
    if (unsaved) await storeUnsaved(store);
    for (let tries = 0; ; tries++) {
      const stored = await store.read();
      // Another process's access token, while it is good: no grant, no spent refresh token.
      if (!unsaved && stored.accessToken && stored.accessToken.expiresAt - SHARED_MARGIN_MS > now())
        return {
          token: stored.accessToken.token,
          expiresInSeconds: Math.floor((stored.accessToken.expiresAt - now()) / 1000),
        };
      const refreshToken = unsaved?.next.refreshToken ?? stored.refreshToken;
      if (refused && refused.refreshToken === refreshToken) throw refused.error;
      let answer: Awaited<ReturnType<typeof grant>>;
      try {
        answer = await grant(refreshToken);
      } catch (error) {
        if (!(error instanceof VendorError)) throw error;
        if (error.code === 'authentication') {
          // Another process may have used it a moment ago and be storing the next one: use that.
          if (!unsaved && tries < 2 && (await rotatedSince(store, refreshToken))) continue;
          refused = { refreshToken, error };
        }
        // A 503 is Ion saying it did not take the request: the token was not spent, the connection stands.
        if (error.code === 'unknown_outcome' && error.status === 503)
          throw new VendorError({
            ...ION,
            code: 'server',
            status: 503,
            method: 'POST',
            path: '/oauth/token',
            message: 'StreamOne Ion is unavailable for now; the connection is unchanged. Try again in a few minutes.',
          });
        if (error.code === 'unknown_outcome')
          throw new VendorError({
            ...ION,
            code: 'server',
            method: 'POST',
            path: '/oauth/token',
            message: `StreamOne Ion did not answer the token request; if it used the refresh token, ${RECONNECT.charAt(0).toLowerCase()}${RECONNECT.slice(1)}`,
          });
        throw error;
      }
      // Kept in memory first, then stored before the access token is used for anything.
      const expiresAt = now() + answer.expires_in * 1000;
      unsaved = {
        used: unsaved?.used ?? stored.refreshToken,
        next: { refreshToken: answer.refresh_token, accessToken: { token: answer.access_token, expiresAt } },
      };
      await storeUnsaved(store);
      return { token: answer.access_token, expiresInSeconds: answer.expires_in };
    }
  }

  /** One grant per tenant at a time, across processes, where the store can lock. */
  const fetchToken = () => (options.tokens.lock ? options.tokens.lock(fetchTokenWith) : fetchTokenWith(options.tokens));
  return fetchToken;
}

/**
 * StreamOne Ion's HTTP layer: the refresh-token grant (rotating the stored refresh token on
 * every use), bearer calls with the shared retry rules, and token-paged lists.
 */
export function createIonApi(options: IonApiOptions) {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const root = options.baseUrl.replace(/\/$/, '');
  const tokenUrl = `${root}/oauth/token`;
  const http = {
    ...ION,
    timeoutMs,
    retry: options.retry,
    fetch: options.fetch,
    onRequest: options.onRequest,
    ownHosts: options.ownHosts,
  };
  const fetchToken = ionTokenGrant(options, http, tokenUrl, now);

  // Concurrent callers share one grant: two would spend the same single-use token.
  const tokens = tokenCache(fetchToken, now);
  const token = tokens.token;

  const read = bearerReader({ ...http, token, forgetToken: tokens.forget, toError: ionError });
  const get = (path: string, query: Query = {}) =>
    read(`${root}/api/v3/accounts/${encodeURIComponent(options.accountId)}${path}`, query);

  /**
   * Every page of a list whose records sit under `key`, each handed to `map` as it arrives.
   * Pages follow `nextPageToken`, so they are read one after another.
   */
  async function pages<T>(
    path: string,
    key: string,
    query: Record<string, string | number | undefined>,
    map: (records: unknown[]) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    let pageToken: string | undefined;
    const seen = new Set<string>();
    do {
      const body = ionPageSchema.safeParse(await get(path, { ...query, pageSize: ION_PAGE_SIZE, pageToken }));
      const records = body.success ? (body.data as Record<string, unknown>)[key] : undefined;
      if (!body.success || !Array.isArray(records)) throw badAnswer('GET', path, `a ${key} list`);
      out.push(map(records));
      pageToken = body.data.nextPageToken || undefined;
      // A page token seen before would loop for ever; Ion has been known to repeat the last one.
      if (pageToken && seen.has(pageToken)) break;
      if (pageToken) seen.add(pageToken);
    } while (pageToken);
    return out;
  }

  /**
   * Every page of a list paged by `pagination.limit` / `pagination.offset` (the account's
   * subscriptions), until `paginationResponse.totalSize` is reached or a page comes back empty.
   * A page that repeats the one before (an offset the server ignored) ends the read instead of
   * counting its records twice.
   */
  async function offsetPages<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    map: (records: unknown[]) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    let previous = '';
    for (let offset = 0, total = Number.POSITIVE_INFINITY; offset < total; ) {
      const raw = await get(path, { ...query, 'pagination.limit': ION_PAGE_SIZE, 'pagination.offset': offset });
      const body = ionOffsetPageSchema.safeParse(raw);
      if (!body.success) throw badAnswer('GET', path, 'an items list');
      const { items, paginationResponse } = body.data;
      const page = JSON.stringify(items);
      if (items.length === 0 || page === previous) break;
      previous = page;
      out.push(map(items));
      offset += items.length;
      total = paginationResponse?.totalSize ?? Number.POSITIVE_INFINITY;
    }
    return out;
  }

  /** The account's reports, as its portal lists them. */
  async function reports(): Promise<unknown[]> {
    const body = ionReportListSchema.safeParse(await get('/reports'));
    if (!body.success) throw badAnswer('GET', '/reports', 'a reports list');
    return body.data.reports;
  }

  /**
   * A report's data for a fixed date range, as CSV under the report template's headings: it
   * is asked for by POST, and read as a read (retried) since it changes nothing.
   */
  async function reportCsv(report: { id: string; category: string | null }, range: { from: string; to: string }) {
    const path = `/reports/${encodeURIComponent(report.id)}/reportDataCsv`;
    const url = new URL(`${root}/api/v3/accounts/${encodeURIComponent(options.accountId)}${path}`);
    const answer = await bearerGet({
      ...http,
      url,
      token,
      forgetToken: tokens.forget,
      toError: (res, text) => ionError('POST', url.toString(), res, text),
      post: {
        report_id: report.id,
        ...(report.category ? { category: report.category } : {}),
        specs: {
          date_range_option: {
            selected_range: {
              fixed_date_range: { start_date: `${range.from}T00:00:00Z`, end_date: `${range.to}T23:59:59Z` },
            },
          },
        },
      },
    });
    const body = ionReportCsvSchema.safeParse(answer);
    if (!body.success) throw badAnswer('POST', path, "the report's results");
    return body.data.results;
  }

  return { token, get, pages, offsetPages, reports, reportCsv };
}

export type IonApi = ReturnType<typeof createIonApi>;
