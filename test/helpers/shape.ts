/**
 * The JSON shape of a value: which keys it has and each value's JSON type, recursively (an
 * array's shape is its first element's). Comparing shapes checks that a sandbox answers in
 * the documented form without pinning the data.
 */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

/** Keys of the documented example missing from, or typed differently in, the answer. `null` in either is allowed to differ. */
export function shapeDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === 'null' || actual === 'null') return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    return expected.length && actual.length ? shapeDifferences(expected[0], actual[0], `${path}[0]`) : [];
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object`];
    return Object.entries(expected).flatMap(([k, v]) =>
      k in (actual as object)
        ? shapeDifferences(v, (actual as Record<string, unknown>)[k], `${path}.${k}`)
        : [`${path}.${k}: missing`],
    );
  }
  return expected === actual ? [] : [`${path}: expected ${String(expected)}, got ${String(actual)}`];
}
