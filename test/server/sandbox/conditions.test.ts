import { describe, expect, it } from 'vitest';
import { where } from '../../../server/connectwise/conditions.ts';
import { ConditionsError, filterRecords, parseConditions } from '../../../server/sandbox/connectwise/conditions.ts';

const rows = [
  {
    id: 1,
    name: 'Frontier Wealth Mgmt',
    company: { id: 19 },
    cancelledFlag: false,
    startDate: '2021-01-01T00:00:00Z',
    endDate: null,
    qty: 5,
  },
  {
    id: 2,
    name: 'Ace Chemical',
    company: { id: 20 },
    cancelledFlag: true,
    startDate: '2020-06-01T00:00:00Z',
    endDate: '2021-06-01T00:00:00Z',
    qty: 10,
  },
  {
    id: 3,
    name: 'Bob\'s "Best"',
    company: { id: 19 },
    cancelledFlag: false,
    startDate: '2022-03-15T00:00:00Z',
    endDate: null,
    qty: 1,
  },
];
const ids = (conditions: string) => filterRecords(rows, conditions).map((r) => r.id);

describe('sandbox conditions grammar', () => {
  it('evaluates what the client builds, operator by operator', () => {
    expect(ids(where.eq('company/id', 19))).toEqual([1, 3]);
    expect(ids(where.ne('company/id', 19))).toEqual([2]);
    expect(ids(where.lt('qty', 5))).toEqual([3]);
    expect(ids(where.le('qty', 5))).toEqual([1, 3]);
    expect(ids(where.gt('qty', 5))).toEqual([2]);
    expect(ids(where.ge('qty', 5))).toEqual([1, 2]);
    expect(ids(where.like('name', 'frontier%'))).toEqual([1]);
    expect(ids(where.notLike('name', '%e%'))).toEqual([]);
    expect(ids(where.contains('name', 'CHEM'))).toEqual([2]);
    expect(ids(where.in('id', [1, 3]))).toEqual([1, 3]);
    expect(ids(where.notIn('id', [1, 3]))).toEqual([2]);
    expect(ids(where.eq('name', 'Bob\'s "Best"'))).toEqual([3]);
    expect(ids(where.eq('endDate', null))).toEqual([1, 3]);
    expect(ids(where.ne('endDate', null))).toEqual([2]);
    expect(ids(where.ge('startDate', new Date('2021-01-01T00:00:00Z')))).toEqual([1, 3]);
    expect(ids(where.eq('cancelledFlag', true))).toEqual([2]);
  });

  it('binds and tighter than or, and honours parentheses', () => {
    expect(ids('id=1 or id=2 and qty=1')).toEqual([1]);
    expect(ids('(id=1 or id=2) and qty=10')).toEqual([2]);
    expect(ids('company/id=19 AND cancelledFlag=false OR id=2')).toEqual([1, 2, 3]);
  });

  it('rejects what Manage would reject, saying where', () => {
    expect(() => parseConditions('name == "x"')).toThrow(/expected a value at position 7/);
    expect(() => parseConditions('name = x')).toThrow(ConditionsError);
    expect(() => parseConditions('name = "open')).toThrow(/unterminated string/);
    expect(() => parseConditions('(id = 1')).toThrow(/expected "\)"/);
    expect(() => parseConditions('id = 1 id = 2')).toThrow(/unexpected "id"/);
    expect(() => parseConditions('date > [not a date]')).toThrow(/is not a date/);
    expect(() => parseConditions('id not = 1')).toThrow(/"not" cannot be used/);
  });
});
