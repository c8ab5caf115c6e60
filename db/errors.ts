/**
 * True when Postgres refused a row for breaking a unique index (SQLSTATE 23505). postgres.js
 * and PGlite both carry the code; drizzle may wrap the driver's error in its own `cause`.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: unknown };
    if (code === '23505') {
      if (!constraint) return true;
      const detail = e as { constraint?: string; constraint_name?: string; message?: string };
      return [detail.constraint, detail.constraint_name, detail.message].some((v) => v?.includes(constraint));
    }
  }
  return false;
}
