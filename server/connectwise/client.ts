import { z } from 'zod';
import { mapLimit } from '../http/limit.ts';
import { parseLinkHeader } from '../http/link.ts';
import type { RetryPolicy } from '../http/retry.ts';
import { type RequestEvent, send } from '../http/send.ts';
import { VendorError } from '../http/vendor-error.ts';
import { authHeaders, type CwAuth } from './auth.ts';
import { where } from './conditions.ts';
import { cwError } from './errors.ts';
import { apiBaseUrl, type SiteAddress, type SiteCache, siteOrigin } from './site.ts';
import {
  type CwCompanyInfo,
  cwAdditionSchema,
  cwAgreementSchema,
  cwBoardSchema,
  cwCatalogItemSchema,
  cwCompanyInfoSchema,
  cwCompanySchema,
  cwHostedScreenSchema,
  cwHostedSetupSchema,
  cwMemberInfoSchema,
  cwMemberSchema,
  cwNamedSchema,
  cwRoleSettingSchema,
  cwSystemInfoSchema,
  cwTicketSchema,
  type NewCwAddition,
  type NewCwCatalogItem,
  type NewCwCompany,
  type NewCwHostedSetup,
  type NewCwTicket,
  type PatchOperation,
} from './types.ts';

/** The Accept version the client is written against; Manage answers in that shape. */
export const CW_API_VERSION = '2022.1';
export const CW_MAX_PAGE_SIZE = 1000;
/** Ids one `conditions` read names at most. */
export const AGREEMENTS_PER_READ = 150;

export interface CwClientOptions extends SiteAddress {
  companyId: string;
  clientId: string;
  auth: CwAuth;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Independent reads in flight at once (e.g. additions of many agreements). */
  concurrency?: number;
  siteCache?: SiteCache;
  onRequest?: (event: RequestEvent) => void;
  beforeAttempt?: () => Promise<void>;
}

export interface ListQuery {
  conditions?: string;
  childConditions?: string;
  orderBy?: string;
  fields?: string;
  pageSize?: number;
  /** Manage's forward-only paging (`pageId`), cheaper on large tables; ignores `orderBy`. */
  forwardOnly?: boolean;
  /** Stop after this many records (a search box needs the first screenful, not the catalog). */
  maxRecords?: number;
}

type Query = Record<string, string | number | undefined>;

/** ConnectWise's HTTP as every call makes it: its headers and credentials, the retry rules, and a zod-checked answer. */
function cwHttp(options: CwClientOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const common = {
    clientId: options.clientId,
    Accept: `application/vnd.connectwise.com+json; version=${CW_API_VERSION}`,
  };

  async function raw(
    method: string,
    url: string,
    init: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ) {
    return send({
      vendor: 'connectwise',
      method,
      url,
      headers: {
        ...common,
        ...(init.auth === false ? {} : authHeaders(options.companyId, options.auth)),
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      timeoutMs,
      retry: options.retry,
      fetch: options.fetch,
      toError: (res, text) => cwError(method, url, res, text),
      onRequest: options.onRequest,
      beforeAttempt: options.beforeAttempt,
    });
  }

  async function parse<S extends z.ZodType>(
    response: Response,
    schema: S,
    method: string,
    url: string,
  ): Promise<z.output<S>> {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(method, url, `the answer was not JSON (${text.slice(0, 80)})`);
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw badResponse(method, url, `field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return result.data;
  }

  function badResponse(method: string, url: string, detail: string) {
    return new VendorError({
      vendor: 'connectwise',
      code: 'bad_response',
      method,
      path: new URL(url).pathname,
      message: `ConnectWise answered ${method} ${new URL(url).pathname} with a record we could not read: ${detail}`,
    });
  }

  return { raw, parse };
}

/** Requests under the site's API base (found once per site and company): one record, a write, or every page of a list. */
function cwRequests(options: CwClientOptions) {
  const siteCache = options.siteCache ?? new Map<string, CwCompanyInfo>();
  const { raw, parse } = cwHttp(options);
  let discovering: Promise<CwCompanyInfo> | undefined;
  async function companyInfo(): Promise<CwCompanyInfo> {
    const key = `${options.protocol}://${options.site}|${options.companyId.toLowerCase()}`;
    const cached = siteCache.get(key);
    if (cached) return cached;
    // Concurrent first calls share one discovery instead of each asking.
    discovering ??= (async () => {
      const url = `${siteOrigin(options)}/login/companyinfo/${encodeURIComponent(options.companyId)}`;
      const info = await parse(await raw('GET', url, { auth: false }), cwCompanyInfoSchema, 'GET', url);
      siteCache.set(key, info);
      return info;
    })().finally(() => {
      discovering = undefined;
    });
    return discovering;
  }

  async function url(path: string, query: Query = {}): Promise<string> {
    const base = apiBaseUrl(options, await companyInfo());
    const u = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  async function get<S extends z.ZodType>(path: string, schema: S, query: Query = {}) {
    const u = await url(path, query);
    return parse(await raw('GET', u), schema, 'GET', u);
  }

  async function write<S extends z.ZodType>(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown, schema: S) {
    const u = await url(path);
    return parse(await raw(method, u, { body }), schema, method, u);
  }

  /** Every record of a collection, following `Link: rel="next"` until the last page. */
  async function list<S extends z.ZodType>(path: string, schema: S, query: ListQuery = {}): Promise<z.output<S>[]> {
    const pageSize = Math.min(query.pageSize ?? query.maxRecords ?? CW_MAX_PAGE_SIZE, CW_MAX_PAGE_SIZE);
    const first = await url(path, {
      conditions: query.conditions,
      childConditions: query.childConditions,
      orderBy: query.forwardOnly ? undefined : query.orderBy,
      fields: query.fields,
      pageSize,
      page: query.forwardOnly ? undefined : 1,
    });
    const origin = new URL(first).origin;
    const headers = query.forwardOnly ? { 'pagination-type': 'forward-only' } : undefined;
    const out: z.output<S>[] = [];
    let next: string | undefined = first;
    while (next) {
      const response = await raw('GET', next, { headers });
      const page: z.output<S>[] = await parse(response, z.array(schema), 'GET', next);
      out.push(...page);
      if (query.maxRecords !== undefined && out.length >= query.maxRecords) return out.slice(0, query.maxRecords);
      const link = parseLinkHeader(response.headers.get('link')).next;
      // Follow only links to the same API host; an empty page also ends the walk.
      next = link && page.length > 0 && new URL(link).origin === origin ? link : undefined;
    }
    return out;
  }

  return { companyInfo, get, write, list };
}

/**
 * A small typed ConnectWise Manage client on `fetch`: site discovery, both kinds of
 * credentials, paging through `Link`, retries by the rules in http/send.ts, and zod-checked
 * answers so a surprising record is reported, not half-used.
 */
export function createCwClient(options: CwClientOptions) {
  const concurrency = options.concurrency ?? 6;
  const { companyInfo, get, write, list } = cwRequests(options);
  return {
    companyInfo,
    apiBaseUrl: async () => apiBaseUrl(options, await companyInfo()),

    system: {
      info: () => get('/system/info', cwSystemInfoSchema),
      myMember: () => get('/system/myMembers/info', cwMemberInfoSchema),
      member: (id: number) => get(`/system/members/${id}`, cwMemberSchema),
      roleSettings: (roleId: number) => list(`/system/securityroles/${roleId}/settings`, cwRoleSettingSchema),
    },

    companies: {
      search: (query: ListQuery = {}) => list('/company/companies', cwCompanySchema, query),
      get: (id: number) => get(`/company/companies/${id}`, cwCompanySchema),
      create: (company: NewCwCompany) => write('POST', '/company/companies', company, cwCompanySchema),
    },

    agreements: {
      list: (query: ListQuery = {}) => list('/finance/agreements', cwAgreementSchema, query),
      /** The company's agreements; cancelled ones only when asked for. */
      forCompany: (companyId: number, { includeCancelled = false } = {}) =>
        list('/finance/agreements', cwAgreementSchema, {
          conditions: where.and(
            where.eq('company/id', companyId),
            includeCancelled ? undefined : where.eq('cancelledFlag', false),
          ),
          orderBy: 'id asc',
        }),
      get: (id: number) => get(`/finance/agreements/${id}`, cwAgreementSchema),
      /** Agreements by id, 150 a request (the `conditions` a URL can carry): bulk reads' one way to find them. */
      async byIds(ids: readonly number[]) {
        const found: z.output<typeof cwAgreementSchema>[] = [];
        for (let i = 0; i < ids.length; i += AGREEMENTS_PER_READ)
          found.push(
            ...(await list('/finance/agreements', cwAgreementSchema, {
              conditions: where.in('id', ids.slice(i, i + AGREEMENTS_PER_READ)),
            })),
          );
        return found;
      },
    },

    additions: {
      list: (agreementId: number, query: ListQuery = {}) =>
        list(`/finance/agreements/${agreementId}/additions`, cwAdditionSchema, { orderBy: 'id asc', ...query }),
      /** Additions of many agreements, read with bounded concurrency; keyed by agreement id. */
      async listMany(agreementIds: readonly number[], query: ListQuery = {}) {
        const lists = await mapLimit(agreementIds, concurrency, (id) =>
          list(`/finance/agreements/${id}/additions`, cwAdditionSchema, { orderBy: 'id asc', ...query }),
        );
        return new Map(agreementIds.map((id, i) => [id, lists[i]!]));
      },
      get: (agreementId: number, additionId: number) =>
        get(`/finance/agreements/${agreementId}/additions/${additionId}`, cwAdditionSchema),
      create: (agreementId: number, addition: NewCwAddition) =>
        write('POST', `/finance/agreements/${agreementId}/additions`, addition, cwAdditionSchema),
      patch: (agreementId: number, additionId: number, operations: PatchOperation[]) =>
        write('PATCH', `/finance/agreements/${agreementId}/additions/${additionId}`, operations, cwAdditionSchema),
      /** Ends an addition: Manage bills it through `cancelledDate` and not after. */
      cancel: (agreementId: number, additionId: number, cancelledDate: string) =>
        write(
          'PATCH',
          `/finance/agreements/${agreementId}/additions/${additionId}`,
          [{ op: 'replace', path: 'cancelledDate', value: cancelledDate }],
          cwAdditionSchema,
        ),
    },

    catalog: {
      search: (query: ListQuery = {}) => list('/procurement/catalog', cwCatalogItemSchema, query),
      get: (id: number) => get(`/procurement/catalog/${id}`, cwCatalogItemSchema),
      create: (item: NewCwCatalogItem) => write('POST', '/procurement/catalog', item, cwCatalogItemSchema),
      /** Changes only the fields given (description, prices, customer description). */
      patch: (id: number, operations: PatchOperation[]) =>
        write('PATCH', `/procurement/catalog/${id}`, operations, cwCatalogItemSchema),
      /** The setup tables a catalog item refers to, for the export form's choices. */
      async setup() {
        const [categories, subcategories, types, unitsOfMeasure] = await Promise.all([
          list('/procurement/categories', cwNamedSchema),
          list('/procurement/subcategories', cwNamedSchema.extend({ category: cwNamedSchema.nullish() })),
          list('/procurement/types', cwNamedSchema),
          list('/procurement/unitOfMeasures', cwNamedSchema),
        ]);
        return { categories, subcategories, types, unitsOfMeasure };
      },
    },

    service: {
      boards: () =>
        list('/service/boards', cwBoardSchema, { conditions: where.eq('inactiveFlag', false), orderBy: 'name asc' }),
      createTicket: (ticket: NewCwTicket) => write('POST', '/service/tickets', ticket, cwTicketSchema),
    },

    hostedSetups: {
      list: (query: ListQuery = {}) => list('/system/connectwisehostedsetups', cwHostedSetupSchema, query),
      create: (setup: NewCwHostedSetup) => write('POST', '/system/connectwisehostedsetups', setup, cwHostedSetupSchema),
      update: (id: number, setup: NewCwHostedSetup) =>
        write('PUT', `/system/connectwisehostedsetups/${id}`, setup, cwHostedSetupSchema),
      screens: () => list('/system/connectWiseHostedScreens', cwHostedScreenSchema),
    },
  };
}

export type CwClient = ReturnType<typeof createCwClient>;
