/**
 * Manage's `conditions` grammar, parsed and evaluated against records:
 *   expr   := term (("and"|"or") term)*          (and binds tighter than or)
 *   term   := "(" expr ")" | field op value | field ["not"] "in" "(" value ("," value)* ")"
 *   op     := = != < <= > >= like contains, optionally preceded by "not"
 *   value  := "string" | number | true | false | null | [datetime]
 * Anything else is a ConditionsError, which the sandbox answers as a 400 like Manage does.
 */

export class ConditionsError extends Error {}

type Value = string | number | boolean | null | { date: number };

type Node =
  | { kind: 'and'; left: Node; right: Node }
  | { kind: 'or'; left: Node; right: Node }
  | { kind: 'cmp'; field: string[]; op: string; negate: boolean; value: Value }
  | { kind: 'in'; field: string[]; negate: boolean; values: Value[] };

type Token = { t: 'str' | 'num' | 'date' | 'word' | 'op' | 'lp' | 'rp' | 'comma'; v: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      let v = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== '"'; j++) {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        v += input[j];
      }
      if (j >= input.length) throw new ConditionsError(`unterminated string starting at position ${i + 1}`);
      tokens.push({ t: 'str', v, at: i });
      i = j + 1;
    } else if (ch === '[') {
      const j = input.indexOf(']', i);
      if (j < 0) throw new ConditionsError(`unterminated date starting at position ${i + 1}`);
      tokens.push({ t: 'date', v: input.slice(i + 1, j), at: i });
      i = j + 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ t: ch === '(' ? 'lp' : ch === ')' ? 'rp' : 'comma', v: ch, at: i });
      i++;
    } else if ('=<>!'.includes(ch)) {
      const two = input.slice(i, i + 2);
      const op = ['<=', '>=', '!='].includes(two) ? two : ch;
      if (op === '!') throw new ConditionsError(`unexpected "!" at position ${i + 1}`);
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
    } else if (/[-0-9.]/.test(ch)) {
      const m = input.slice(i).match(/^-?\d+(\.\d+)?/);
      if (!m) throw new ConditionsError(`unexpected "${ch}" at position ${i + 1}`);
      tokens.push({ t: 'num', v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = input.slice(i).match(/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/)!;
      tokens.push({ t: 'word', v: m[0], at: i });
      i += m[0].length;
    } else {
      throw new ConditionsError(`unexpected "${ch}" at position ${i + 1}`);
    }
  }
  return tokens;
}

export function parseConditions(input: string): Node {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const word = (w: string) => peek()?.t === 'word' && peek()!.v.toLowerCase() === w;
  const expect = (t: Token['t'], what: string) => {
    const tok = tokens[pos];
    if (!tok || tok.t !== t)
      throw new ConditionsError(`expected ${what} ${tok ? `at position ${tok.at + 1}` : 'at the end'}`);
    pos++;
    return tok;
  };

  const value = (): Value => {
    const tok = tokens[pos++];
    if (!tok) throw new ConditionsError('expected a value at the end');
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'date') {
      const ms = Date.parse(tok.v);
      if (Number.isNaN(ms)) throw new ConditionsError(`"[${tok.v}]" is not a date`);
      return { date: ms };
    }
    if (tok.t === 'word') {
      const w = tok.v.toLowerCase();
      if (w === 'true' || w === 'false') return w === 'true';
      if (w === 'null') return null;
    }
    throw new ConditionsError(
      `expected a value at position ${tok.at + 1}; strings need double quotes and dates brackets`,
    );
  };

  const term = (): Node => {
    if (peek()?.t === 'lp') {
      pos++;
      const inner = or();
      expect('rp', '")"');
      return inner;
    }
    const fieldTok = expect('word', 'a field name');
    const field = fieldTok.v.split('/');
    let negate = false;
    if (word('not')) {
      negate = true;
      pos++;
    }
    if (word('in')) {
      pos++;
      expect('lp', '"(" after in');
      const values = [value()];
      while (peek()?.t === 'comma') {
        pos++;
        values.push(value());
      }
      expect('rp', '")"');
      return { kind: 'in', field, negate, values };
    }
    let op: string;
    if (word('like') || word('contains')) op = tokens[pos++]!.v.toLowerCase();
    else if (peek()?.t === 'op') op = tokens[pos++]!.v;
    else throw new ConditionsError(`expected an operator after ${fieldTok.v}`);
    if (negate && !['like', 'contains'].includes(op)) throw new ConditionsError(`"not" cannot be used with ${op}`);
    return { kind: 'cmp', field, op, negate, value: value() };
  };

  const and = (): Node => {
    let left = term();
    while (word('and')) {
      pos++;
      left = { kind: 'and', left, right: term() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (word('or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const tree = or();
  if (pos < tokens.length)
    throw new ConditionsError(`unexpected "${tokens[pos]!.v}" at position ${tokens[pos]!.at + 1}`);
  return tree;
}

export function fieldValue(record: unknown, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    const entry = Object.entries(current).find(([k]) => k.toLowerCase() === key.toLowerCase());
    current = entry?.[1];
  }
  return current;
}

/** Manage compares text without regard to case (SQL Server's default collation). */
function compare(actual: unknown, expected: Value): number | undefined {
  if (expected === null || actual === null || actual === undefined) return undefined;
  if (typeof expected === 'object') {
    const ms = typeof actual === 'string' ? Date.parse(actual) : NaN;
    return Number.isNaN(ms) ? undefined : ms - expected.date;
  }
  if (typeof expected === 'number') return typeof actual === 'number' ? actual - expected : undefined;
  if (typeof expected === 'boolean') return actual === expected ? 0 : 1;
  if (typeof actual !== 'string') return undefined;
  return actual.localeCompare(expected, 'en', { sensitivity: 'accent' });
}

function matches(node: Node, record: unknown): boolean {
  if (node.kind === 'and') return matches(node.left, record) && matches(node.right, record);
  if (node.kind === 'or') return matches(node.left, record) || matches(node.right, record);
  const actual = fieldValue(record, node.field);
  if (node.kind === 'in') {
    const hit = node.values.some((v) => compare(actual, v) === 0);
    return node.negate ? !hit : hit;
  }
  const { op, value } = node;
  if (value === null) {
    const isNull = actual === null || actual === undefined;
    if (op === '=') return isNull;
    if (op === '!=') return !isNull;
    return false;
  }
  if (op === 'like' || op === 'contains') {
    if (typeof actual !== 'string' || typeof value !== 'string') return node.negate;
    const pattern = op === 'contains' ? `.*${escapeRegex(value)}.*` : value.split('%').map(escapeRegex).join('.*');
    const hit = new RegExp(`^${pattern}$`, 'is').test(actual);
    return node.negate ? !hit : hit;
  }
  const c = compare(actual, value);
  if (op === '!=') return c !== 0;
  if (c === undefined) return false;
  switch (op) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return false;
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Fields a condition names, so unknown ones can be refused as Manage does. */
export function conditionFields(node: Node): string[][] {
  if (node.kind === 'and' || node.kind === 'or') return [...conditionFields(node.left), ...conditionFields(node.right)];
  return [node.field];
}

export function filterRecords<T>(records: readonly T[], conditions: string | undefined): T[] {
  if (!conditions) return [...records];
  const tree = parseConditions(conditions);
  return records.filter((r) => matches(tree, r));
}
