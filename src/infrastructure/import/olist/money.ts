/**
 * Olist money amounts: decimal strings such as `199.90` in Brazilian reais, turned into
 * integer minor units (centavos) by string arithmetic, never through a float.
 */

/** Currency of every Olist amount (prices, freight, payments): Brazilian real, ISO 4217. */
export const OLIST_CURRENCY = 'BRL';

/** Thrown by {@link parseMinorUnits} when a text is not an accepted amount. */
export class InvalidAmountError extends Error {
  override readonly name = 'InvalidAmountError';
}

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a non-negative decimal amount with at most two decimal places into integer minor units.
 *
 * `'199.90'` → 19990, `'0.5'` → 50, `'12'` → 1200, `'007.10'` → 710.
 * The digits are read as integers (whole part × 100 + fractional part padded to two digits),
 * so no binary floating-point rounding is involved.
 *
 * @param text the field text exactly as in the CSV (no surrounding spaces, `.` as decimal point)
 * @returns the amount in minor units (centavos), a safe integer ≥ 0
 * @throws InvalidAmountError for an empty text, a sign (`-1.00`, `+1`), more than two decimals
 *   (`1.234`), a missing digit on either side of the point (`.5`, `1.`), any other character,
 *   or an amount beyond `Number.MAX_SAFE_INTEGER` minor units
 */
export function parseMinorUnits(text: string): number {
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new InvalidAmountError(`'${text}' is not a non-negative decimal amount with at most 2 decimal places`);
  }
  const whole = match[1] ?? '';
  const fraction = (match[2] ?? '').padEnd(2, '0');
  const minor = Number(whole) * 100 + Number(fraction);
  if (!Number.isSafeInteger(minor)) throw new InvalidAmountError(`'${text}' is too large`);
  return minor;
}
