/**
 * Business time as deciders see it: an ISO 8601 instant with a UTC offset
 * (`2026-11-21T22:18:00.000+03:00`) or `Z`, always carried inside a command or event
 * (deciders never read a clock). Parsing a string is pure; only comparisons between
 * instants are made, so the offset keeps the local day for read models while
 * comparisons use the absolute instant.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the Unix epoch of an ISO 8601 instant with an offset or `Z`.
 * @returns the instant, or `undefined` when `text` is not such an instant (no offset, impossible date, …)
 */
export function instantOf(text: string): number | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
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
