/**
 * Olist timestamps: `YYYY-MM-DD HH:MM:SS`, local Brazilian time without a zone. We read them in
 * `America/Sao_Paulo` (where Olist and most of its sellers are), which in 2017 observed daylight
 * saving time (UTC−02:00) until 2017-02-19 and again from 2017-10-15; UTC−03:00 in between.
 */
import { DateTime } from 'luxon';

/** IANA zone the Olist local timestamps are read in. */
export const OLIST_TIME_ZONE = 'America/Sao_Paulo';

/** The exact text shape of an Olist timestamp, with its six numeric parts captured. */
const SHAPE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const FORMAT = 'yyyy-MM-dd HH:mm:ss';

/**
 * A parsed Olist timestamp.
 * - `iso`: ISO 8601 with milliseconds and the São Paulo offset of that instant, e.g.
 *   `'2017-10-02T10:56:33.000-03:00'`.
 * - `epochMillis`: the same instant in milliseconds since the Unix epoch (for comparisons; ISO
 *   strings with different offsets do not sort as text).
 * - `shiftedFromGap`: true when the local time does not exist (the skipped hour when DST starts,
 *   e.g. `2017-10-15 00:30:00`); luxon then moves it forward by the gap (→ `01:30-02:00`).
 */
export interface OlistInstant {
  readonly iso: string;
  readonly epochMillis: number;
  readonly shiftedFromGap: boolean;
}

/** Thrown by {@link parseOlistTimestamp} for a text that is not a valid Olist timestamp. */
export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

/**
 * UTC offset (minutes) of each local hour already resolved by luxon, keyed `YYYY-MM-DD HH`.
 * Resolving a zone offset costs an `Intl` call, which dominated import time; São Paulo's offset
 * changes only on whole local hours (DST switched at 00:00), so one look-up per local hour is
 * exact. Hours in a DST gap are never cached. Cleared when it grows past {@link CACHE_LIMIT}.
 */
const offsetByLocalHour = new Map<string, number>();
const CACHE_LIMIT = 200_000;

/** `-180` → `'-03:00'`. */
function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Parses an Olist local timestamp in {@link OLIST_TIME_ZONE}; the result is what luxon's
 * `DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone })` gives, computed faster.
 *
 * `'2017-01-05 12:01:20'` → `'2017-01-05T12:01:20.000-02:00'` (summer time);
 * `'2017-06-01 10:00:00'` → `'2017-06-01T10:00:00.000-03:00'`.
 * A local time that occurs twice (the hour 23:00–23:59 on 2017-02-18, when clocks went back)
 * resolves the way luxon does, to the later occurrence (−03:00, standard time). A local time in
 * the skipped hour is moved forward and flagged (see {@link OlistInstant.shiftedFromGap}).
 *
 * @param text the field text, exactly `YYYY-MM-DD HH:MM:SS`
 * @throws InvalidTimestampError when the shape is wrong or a part is out of range (month 13,
 *   30 February, hour 24…); years before 0100 are rejected too
 */
export function parseOlistTimestamp(text: string): OlistInstant {
  const match = SHAPE.exec(text);
  if (!match) throw new InvalidTimestampError(`'${text}' is not a YYYY-MM-DD HH:MM:SS timestamp`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const wallClockAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallClockAsUtc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw new InvalidTimestampError(`'${text}' is not a valid timestamp (a part is out of range)`);
  }
  const hourKey = text.slice(0, 13);
  let offset = offsetByLocalHour.get(hourKey);
  if (offset === undefined) {
    const local = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: OLIST_TIME_ZONE });
    if (!local.isValid) throw new InvalidTimestampError(`'${text}' is not a valid timestamp (${local.invalidReason})`);
    if (local.toFormat(FORMAT) !== text) return { iso: local.toISO(), epochMillis: local.toMillis(), shiftedFromGap: true };
    offset = local.offset;
    if (offsetByLocalHour.size >= CACHE_LIMIT) offsetByLocalHour.clear();
    offsetByLocalHour.set(hourKey, offset);
  }
  return {
    iso: `${text.slice(0, 10)}T${text.slice(11)}.000${formatOffset(offset)}`,
    epochMillis: wallClockAsUtc - offset * 60_000,
    shiftedFromGap: false,
  };
}
