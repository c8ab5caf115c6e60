/**
 * Money without floats. Vendors send decimals as JSON numbers (Pax8's Azure rates have
 * sub-cent digits), so amounts are held as integer micro-dollars (1/1,000,000), parsed from
 * the number's decimal text, and rounded to cents only where a billing rule says to.
 */
export type Micros = number;
export type Cents = number;

const SCALE = 1_000_000;

export class MoneyError extends Error {}

/**
 * Exact parse of a decimal (`25`, `17.6`, `0.096`, `"9.82"`). More than 6 places is an error,
 * unless `round` says the amount is a vendor's (StreamOne Ion prices carry 7 decimals): then
 * it is rounded to the micro once, here, half away from zero, from its decimal digits.
 */
export function parseMicros(value: number | string, options: { round?: boolean } = {}): Micros {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = text.match(/^(-)?(\d+)(?:\.(\d+))?$/);
  if (!m) throw new MoneyError(`"${text}" is not a decimal amount`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > 6 && !options.round) throw new MoneyError(`"${text}" has more than 6 decimal places`);
  // The 7th digit decides: 5 or more rounds the magnitude up, whatever the sign.
  const up = frac.length > 6 && frac.charCodeAt(6) >= 53 ? 1 : 0;
  const micros = Number(whole) * SCALE + Number(frac.slice(0, 6).padEnd(6, '0')) + up;
  if (!Number.isSafeInteger(micros)) throw new MoneyError(`"${text}" is too large`);
  return sign && micros !== 0 ? -micros : micros;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`${n} is not an amount`);
  // Exponent forms (1e-7) are expanded so the digits can be read exactly.
  return Math.abs(n) < 1e-6 && n !== 0 ? n.toFixed(12).replace(/0+$/, '') : String(n);
}

/** Rounds half away from zero to whole cents, as invoices do. */
export function microsToCents(micros: Micros): Cents {
  const sign = micros < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(micros) + 5_000) / 10_000);
}

/** `$1,234.56`, `-$0.50`. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * An amount in its currency: `$1,234.56` for US dollars (every screen's default), otherwise
 * the amount and the ISO code, `1,234.56 SEK`, so two currencies can never look alike.
 */
export function formatMoney(cents: Cents, currency = 'USD'): string {
  if (currency === 'USD') return formatCents(cents);
  const text = formatCents(cents);
  return `${text.startsWith('-') ? '-' : ''}${text.replace(/^-?\$/, '')} ${currency}`;
}

/** Amounts added up per currency, never across: `$1,527.50 + 2,000.00 SEK`. */
export function sumByCurrency(amounts: readonly { cents: Cents; currency?: string | null }[]): string {
  const totals = new Map<string, Cents>();
  for (const a of amounts) totals.set(a.currency ?? 'USD', (totals.get(a.currency ?? 'USD') ?? 0) + a.cents);
  if (totals.size === 0) return formatCents(0);
  return [...totals].map(([currency, cents]) => formatMoney(cents, currency)).join(' + ');
}

/** `25.00` — the decimal form ConnectWise and CSV exports take. */
export function centsToDecimal(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A micro amount as the shortest exact decimal (`0.096`, `25`). */
export function microsToDecimal(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const frac = String(abs % SCALE)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / SCALE)}${frac ? `.${frac}` : ''}`;
}

/**
 * A vendor's amount (a JSON number such as ConnectWise's `19.35`) to cents: parsed exactly,
 * then rounded half away from zero, the same rule as every other amount.
 */
export function amountToCents(value: number | string): Cents {
  return microsToCents(parseMicros(value));
}

/** A member's typed amount (`19.35`, `19`, `-0.5`) to cents; more than two decimal places is refused. */
export function parseCents(text: string): Cents {
  const micros = parseMicros(text);
  if (micros % 10_000 !== 0) throw new MoneyError(`"${text.trim()}" has more than 2 decimal places`);
  return micros / 10_000;
}

/**
 * A percentage as a member types it ("15", "12.5", "-10") in basis points (1500, 1250, -1000),
 * read from its digits, never through a float: at most two decimal places.
 */
export function parsePercentBp(text: string): number {
  const t = text.trim().replace(/%$/, '').trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) throw new MoneyError(`"${text.trim()}" is not a percentage such as 15 or 12.5 (at most 2 decimal places)`);
  const bp = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -bp : bp;
}

/** Cents as the decimal number ConnectWise's JSON takes (`1935` → `19.35`): for outgoing bodies only. */
export function centsToAmount(cents: Cents): number {
  return Number(centsToDecimal(cents));
}

/** `$19.35`, or every digit where an amount has sub-cent precision (`$0.096`). */
export function formatMicros(micros: Micros): string {
  if (micros % 10_000 === 0) return formatCents(micros / 10_000);
  const sign = micros < 0 ? '-' : '';
  return `${sign}$${microsToDecimal(Math.abs(micros))}`;
}
