/**
 * Calendar arithmetic on ISO days (`2021-02-04`), in whole integers. The planner runs for every
 * subscription of a tenant, and parsing dates with luxon dominated its time; days in UTC need
 * no time zone, so plain arithmetic is exact here.
 */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function parts(iso: string): [year: number, month: number, day: number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

export const daysInMonth = (year: number, month: number) =>
  [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
    month - 1
  ]!;
export const isoOf = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
export const firstOfMonth = (iso: string) => `${iso.slice(0, 7)}-01`;
export function endOfMonth(iso: string): string {
  const [y, m] = parts(iso);
  return isoOf(y, m, daysInMonth(y, m));
}
/** Same day n months later, clamped to the month's length (Jan 31 + 1 month = Feb 28). */
export function addMonths(iso: string, n: number): string {
  const [y, m, d] = parts(iso);
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return isoOf(year, month, Math.min(d, daysInMonth(year, month)));
}
export function addDays(iso: string, n: number): string {
  const t = Date.UTC(...(parts(iso).map((v, i) => (i === 1 ? v - 1 : v)) as [number, number, number])) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
export const monthIndex = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7));
/** `09/09/2020`, as the guide's descriptions write dates. */
export const usDay = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const monthName = (iso: string) => `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
