import type { Context } from 'hono';
import { ConditionsError, conditionFields, fieldValue, filterRecords, parseConditions } from './conditions.ts';
import { CwRequestError } from './errors.ts';

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 25;

interface Keyed {
  id: number;
}

function badQuery(field: string, message: string): CwRequestError {
  return new CwRequestError(400, 'InvalidObject', `${field}: ${message}`, [
    { code: 'InvalidField', message, resource: 'query', field },
  ]);
}

function checkFields(sample: object | undefined, paths: string[][], param: string) {
  if (!sample) return;
  for (const path of paths) {
    const top = path[0]!;
    if (!Object.keys(sample).some((k) => k.toLowerCase() === top.toLowerCase())) {
      throw badQuery(param, `Unrecognized field name: ${path.join('/')}`);
    }
  }
}

function pick(record: object, fields: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of fields) {
    const value = fieldValue(record, path);
    if (value === undefined) continue;
    let target = out;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1)!] = value;
  }
  return out;
}

function sortBy<T extends object>(records: T[], orderBy: string): T[] {
  const keys = orderBy.split(',').map((part) => {
    const [field, dir = 'asc'] = part.trim().split(/\s+/);
    if (!field || !['asc', 'desc'].includes(dir.toLowerCase()))
      throw badQuery('orderBy', `cannot read "${part.trim()}"`);
    return { path: field.split('/'), sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return [...records].sort((a, b) => {
    for (const { path, sign } of keys) {
      const x = fieldValue(a, path);
      const y = fieldValue(b, path);
      if (x === y) continue;
      if (x === null || x === undefined) return -sign;
      if (y === null || y === undefined) return sign;
      const c =
        typeof x === 'string' && typeof y === 'string'
          ? x.localeCompare(y, 'en', { sensitivity: 'accent' })
          : (x as number) - (y as number);
      if (c !== 0) return c * sign;
    }
    return 0;
  });
}

export interface CollectionQuery {
  conditions?: string;
  orderBy?: string;
  fields?: string;
}

/** Filters with Manage's grammar, refusing unknown fields as Manage does. */
export function filterCollection<T extends Keyed & object>(records: readonly T[], conditions: string | undefined): T[] {
  if (!conditions) return [...records];
  try {
    checkFields(records[0], conditionFields(parseConditions(conditions)), 'conditions');
    return filterRecords(records, conditions);
  } catch (error) {
    if (error instanceof ConditionsError) throw badQuery('conditions', error.message);
    throw error;
  }
}

/**
 * Answers a collection GET the way Manage does: conditions, orderBy, fields, `page`/`pageSize`
 * (default 25, at most 1000) with a `Link` header, or forward-only paging by `pageId`.
 */
export function listCollection<T extends Keyed & object>(
  c: Context,
  records: readonly T[],
  query: CollectionQuery = {},
) {
  const q = c.req.query();
  const conditions = query.conditions ?? q.conditions;
  const orderBy = query.orderBy ?? q.orderBy;
  const fieldsParam = query.fields ?? q.fields;
  const sizeParam = q.pageSize ?? q.pagesize;
  const pageSize = sizeParam === undefined ? DEFAULT_PAGE_SIZE : Number(sizeParam);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw badQuery('pageSize', 'must be a whole number from 1 to 1000');
  const size = Math.min(pageSize, MAX_PAGE_SIZE);
  const fields = fieldsParam ? fieldsParam.split(',').map((f) => f.trim().split('/')) : undefined;
  if (fields) checkFields(records[0], fields, 'fields');

  let rows = filterCollection(records, conditions);
  const forwardOnly = (c.req.header('pagination-type') ?? '').toLowerCase() === 'forward-only';
  const self = new URL(c.req.url);
  const link = (params: Record<string, string>) => {
    const u = new URL(self);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  };

  let page: T[];
  if (forwardOnly) {
    if (orderBy) throw badQuery('orderBy', 'not supported with forward-only pagination');
    const after = Number(q.pageId ?? 0);
    if (!Number.isInteger(after)) throw badQuery('pageId', 'must be a record id');
    rows = rows.filter((r) => r.id > after).sort((a, b) => a.id - b.id);
    page = rows.slice(0, size);
    if (rows.length > size)
      c.header('Link', `<${link({ pageId: String(page.at(-1)!.id), pageSize: String(size) })}>; rel="next"`);
  } else {
    rows = orderBy ? sortBy(rows, orderBy) : rows.sort((a, b) => a.id - b.id);
    const pageNumber = Number(q.page ?? 1);
    if (!Number.isInteger(pageNumber) || pageNumber < 1) throw badQuery('page', 'must be a whole number from 1');
    const last = Math.max(1, Math.ceil(rows.length / size));
    page = rows.slice((pageNumber - 1) * size, pageNumber * size);
    const links: string[] = [];
    if (pageNumber > 1) {
      links.push(`<${link({ page: String(pageNumber - 1), pageSize: String(size) })}>; rel="prev"`);
      links.push(`<${link({ page: '1', pageSize: String(size) })}>; rel="first"`);
    }
    if (pageNumber < last) {
      links.push(`<${link({ page: String(pageNumber + 1), pageSize: String(size) })}>; rel="next"`);
      links.push(`<${link({ page: String(last), pageSize: String(size) })}>; rel="last"`);
    }
    if (links.length > 0) c.header('Link', links.join(', '));
  }
  return c.json(fields ? page.map((r) => pick(r, fields)) : page, 200);
}

export function countCollection<T extends Keyed & object>(c: Context, records: readonly T[]) {
  return c.json({ count: filterCollection(records, c.req.query('conditions')).length }, 200);
}
