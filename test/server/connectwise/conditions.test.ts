import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fields, literal, orderBy, where } from '../../../server/connectwise/conditions.ts';

describe('conditions builder', () => {
  it('quotes strings and escapes quotes and backslashes', () => {
    expect(where.eq('name', 'Bob\'s "Best" \\ Co')).toBe('name="Bob\'s \\"Best\\" \\\\ Co"');
  });

  it('writes numbers, booleans and null bare', () => {
    expect(where.eq('company/id', 19)).toBe('company/id=19');
    expect(where.eq('cancelledFlag', false)).toBe('cancelledFlag=false');
    expect(where.eq('cancelledDate', null)).toBe('cancelledDate=null');
  });

  it('brackets dates in UTC', () => {
    expect(literal(DateTime.fromISO('2024-08-01T02:00:00+02:00'))).toBe('[2024-08-01T00:00:00Z]');
    expect(where.ge('lastUpdated', new Date('2021-03-01T00:00:00Z'))).toBe('lastUpdated>=[2021-03-01T00:00:00Z]');
  });

  it('covers every operator', () => {
    expect(where.ne('a', 1)).toBe('a!=1');
    expect(where.lt('a', 1)).toBe('a<1');
    expect(where.le('a', 1)).toBe('a<=1');
    expect(where.gt('a', 1)).toBe('a>1');
    expect(where.like('name', 'Acme%')).toBe('name like "Acme%"');
    expect(where.notLike('name', '%Test%')).toBe('name not like "%Test%"');
    expect(where.contains('name', 'wealth')).toBe('name contains "wealth"');
    expect(where.in('id', [1, 2, 3])).toBe('id in (1,2,3)');
    expect(where.notIn('status/name', ['Inactive', 'Deleted'])).toBe('status/name not in ("Inactive","Deleted")');
  });

  it('joins with and/or, parenthesising mixed groups and skipping empty parts', () => {
    const either = where.or(where.eq('a', 1), where.eq('b', 2));
    expect(where.and(where.eq('company/id', 19), either, undefined, false)).toBe('company/id=19 and (a=1 or b=2)');
    expect(where.and(where.eq('x', 1))).toBe('x=1');
    expect(where.and()).toBe('');
  });

  it('refuses field names that could inject a query', () => {
    expect(() => where.eq('name" or 1=1 or "x', 'y')).toThrow(/not a ConnectWise field path/);
    expect(() => where.in('id', [])).toThrow(/at least one value/);
    expect(() => literal(Number.NaN)).toThrow();
  });

  it('writes orderBy and fields', () => {
    expect(orderBy({ field: 'name' }, { field: 'id', direction: 'desc' })).toBe('name asc, id desc');
    expect(fields('id', 'company/id', 'name')).toBe('id,company/id,name');
  });
});
