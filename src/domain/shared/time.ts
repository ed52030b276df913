/**
 * Business time as deciders see it: an ISO 8601 instant with a UTC offset
 * (`2026-11-21T22:18:00.000+03:00`) or `Z`, always carried inside a command or event
 * (deciders never read a clock). Parsing a string is pure; only comparisons between
 * instants are made, so the offset keeps the local day for read models while
 * comparisons use the absolute instant.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Earliest instant accepted: 0001-01-01T00:00:00.000Z (there is no year 0 in ISO dates PostgreSQL reads). */
export const MIN_INSTANT_MS = Date.parse('0001-01-01T00:00:00.000Z');

/** Latest instant accepted: 9999-12-31T23:59:59.999Z (four-digit years only). */
export const MAX_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Largest UTC offset accepted, in minutes: ±14:00 (the widest offset in use on Earth). */
export const MAX_OFFSET_MINUTES = 14 * 60;

/** Days in `month` (1–12) of proleptic Gregorian `year`. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Whether `year-month-day` is a day of the calendar (proleptic Gregorian) within the
 * years 0001–9999: `2030-02-30`, `2030-13-01`, `2031-02-29` and `0000-01-01` are not.
 */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Whether `text` is a day `YYYY-MM-DD` that exists, in the years 0001–9999 (see `isCalendarDay`). */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Milliseconds since the Unix epoch of an ISO 8601 instant with an offset or `Z`.
 * The instant must exist as written: its day is a day of the calendar (no `02-30`, which
 * `Date.parse` would roll over to `03-02`), hours 00–23 (no `24:00`), minutes and seconds
 * 00–59 (no leap second), an offset of at most ±14:00, and both its local and its UTC
 * date within the years 0001–9999.
 * @returns the instant, or `undefined` when `text` is not such an instant (no offset, impossible date, …)
 */
export function instantOf(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m;
  if (!isCalendarDay(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined;
  if (offsetHours !== undefined && (Number(offsetMinutes) > 59 || Number(offsetHours) * 60 + Number(offsetMinutes) > MAX_OFFSET_MINUTES)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS ? undefined : ms;
}

/** Whether `text` is an ISO 8601 instant with an offset or `Z` (see `instantOf`). */
export function isInstant(text: string): boolean {
  return instantOf(text) !== undefined;
}

/**
 * Whether instant `a` is at or after instant `b` (both ISO 8601 with offsets).
 * Unparseable inputs compare as "not after" (callers validate first).
 */
export function isAtOrAfter(a: string, b: string): boolean {
  const x = instantOf(a);
  const y = instantOf(b);
  return x !== undefined && y !== undefined && x >= y;
}
