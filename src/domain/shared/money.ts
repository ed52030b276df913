/**
 * Money as an integer count of minor units plus an ISO 4217 currency code.
 *
 * Never a float: 12.34 TRY is `{ minor: 1234, currency: 'TRY' }`. `minor` is a safe
 * integer (|minor| ≤ 2^53 − 1); arithmetic that would leave that range throws.
 * Source of the currency list: ISO 4217; we accept any three upper-case letters and
 * leave the list itself to the edges that know which currencies a tenant sells in.
 */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

/** Thrown when two amounts of different currencies meet in one operation. */
export class CurrencyMismatchError extends Error {
  override readonly name = 'CurrencyMismatchError';
  constructor(readonly left: string, readonly right: string) {
    super(`currency mismatch: ${left} vs ${right}`);
  }
}

/** Thrown when an amount is not a safe integer of minor units, or a currency is not ISO 4217 shaped. */
export class InvalidMoneyError extends Error {
  override readonly name = 'InvalidMoneyError';
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Builds a Money value.
 * @param minor integer count of minor units (kuruş, cents)
 * @param currency ISO 4217 alphabetic code, e.g. `TRY`, `BRL`
 * @throws InvalidMoneyError when `minor` is not a safe integer or `currency` is not three capitals
 */
export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new InvalidMoneyError(`amount must be a safe integer of minor units, got ${minor}`);
  if (!CURRENCY.test(currency)) throw new InvalidMoneyError(`currency must be an ISO 4217 code, got ${currency}`);
  return { minor, currency };
}

/** Zero in the given currency. */
export function zero(currency: string): Money {
  return money(0, currency);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

/** a + b. @throws CurrencyMismatchError, InvalidMoneyError on overflow */
export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

/** a − b (may be negative). @throws CurrencyMismatchError, InvalidMoneyError on overflow */
export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor - b.minor, a.currency);
}

/** a × n for a whole number n (a quantity). @throws InvalidMoneyError when n is not an integer or on overflow */
export function multiply(a: Money, n: number): Money {
  if (!Number.isInteger(n)) throw new InvalidMoneyError(`multiplier must be an integer, got ${n}`);
  return money(a.minor * n, a.currency);
}

/** Sum of amounts in one currency; zero of `currency` for an empty list. @throws CurrencyMismatchError */
export function sum(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce((acc, m) => add(acc, m), zero(currency));
}

/** a < b. @throws CurrencyMismatchError */
export function isLessThan(a: Money, b: Money): boolean {
  sameCurrency(a, b);
  return a.minor < b.minor;
}
