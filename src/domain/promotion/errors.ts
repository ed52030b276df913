import { DomainError, type Money } from '../shared/index.js';

/** Every error code the promotion decider throws. */
export const promotionErrorCodes = [
  'invalid-campaign',
  'invalid-currency',
  'invalid-time',
  'invalid-reason',
  'currency-mismatch',
  'campaign-exists',
  'coupon-not-found',
  'coupon-ended',
  'coupon-not-yet-valid',
  'coupon-expired',
  'basket-below-minimum',
  'coupon-usage-limit-reached',
  'coupon-customer-limit-reached',
] as const;

/** One of `promotionErrorCodes`. */
export type PromotionErrorCode = (typeof promotionErrorCodes)[number];

/** 422 `invalid-campaign`: a campaign rule is malformed (`field` names it: percent, amount, window, limits, name). */
export function invalidCampaign(field: string, message: string): DomainError {
  return new DomainError('invalid-campaign', `${field}: ${message}`, 'unprocessable', { field });
}

/** 422 `invalid-currency`: the campaign currency is not three capital letters (ISO 4217 shape). */
export function invalidCurrency(currency: string): DomainError {
  return new DomainError('invalid-currency', `currency must be an ISO 4217 code, got ${currency}`, 'unprocessable', { currency });
}

/** 422 `invalid-time`: a time is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `invalid-reason`: a reason must be non-empty after trim. */
export function invalidReason(): DomainError {
  return new DomainError('invalid-reason', 'a reason must not be empty', 'unprocessable', {});
}

/** 422 `currency-mismatch`: the basket is in another currency than the campaign. */
export function currencyMismatch(expected: string, actual: string): DomainError {
  return new DomainError('currency-mismatch', `amount must be in ${expected}, got ${actual}`, 'unprocessable', { expected, actual });
}

/** 409 `campaign-exists`: a campaign with this coupon code exists. */
export function campaignExists(code: string): DomainError {
  return new DomainError('campaign-exists', `coupon ${code} already exists`, 'conflict', { code });
}

/** 409 `coupon-not-found`: no campaign has this coupon code. */
export function couponNotFound(code: string): DomainError {
  return new DomainError('coupon-not-found', `no coupon ${code}`, 'conflict', { code });
}

/** 409 `coupon-ended`: the campaign was ended. */
export function couponEnded(code: string): DomainError {
  return new DomainError('coupon-ended', `coupon ${code} has ended`, 'conflict', { code });
}

/** 409 `coupon-not-yet-valid`: the validity window has not started (details: validFrom). */
export function couponNotYetValid(code: string, validFrom: string): DomainError {
  return new DomainError('coupon-not-yet-valid', `coupon ${code} is valid from ${validFrom}`, 'conflict', { code, validFrom });
}

/** 409 `coupon-expired`: the validity window has closed (details: validUntil). */
export function couponExpired(code: string, validUntil: string): DomainError {
  return new DomainError('coupon-expired', `coupon ${code} was valid until ${validUntil}`, 'conflict', { code, validUntil });
}

/** 409 `basket-below-minimum`: the subtotal is below the campaign's minimum basket (details: minimum, subtotal). */
export function basketBelowMinimum(code: string, minimum: Money, subtotal: Money): DomainError {
  return new DomainError('basket-below-minimum', `coupon ${code} needs a basket of ${minimum.minor}, got ${subtotal.minor}`, 'conflict', {
    code,
    minimum,
    subtotal,
  });
}

/** `1 time`, `2 times`: a count of uses as the limit messages say it. */
const times = (count: number): string => `${count} ${count === 1 ? 'time' : 'times'}`;

/** 409 `coupon-usage-limit-reached`: the campaign's total usage limit is held by other orders. */
export function usageLimitReached(code: string, limit: number): DomainError {
  return new DomainError('coupon-usage-limit-reached', `coupon ${code} was used ${times(limit)}, its limit`, 'conflict', { code, limit });
}

/** 409 `coupon-customer-limit-reached`: the customer holds as many redemptions as the per-customer limit. */
export function customerLimitReached(code: string, customerId: string, limit: number): DomainError {
  return new DomainError('coupon-customer-limit-reached', `customer ${customerId} used coupon ${code} ${times(limit)}, its limit`, 'conflict', {
    code,
    customerId,
    limit,
  });
}
