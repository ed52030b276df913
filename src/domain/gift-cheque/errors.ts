import { DomainError, type Money } from '../shared/index.js';

/** Every error code the gift cheque decider throws. */
export const giftChequeErrorCodes = [
  'invalid-amount',
  'invalid-time',
  'gift-cheque-already-expired',
  'gift-cheque-exists',
  'gift-cheque-not-found',
  'gift-cheque-redeemed',
  'gift-cheque-expired',
] as const;

/** One of `giftChequeErrorCodes`. */
export type GiftChequeErrorCode = (typeof giftChequeErrorCodes)[number];

/** 422 `invalid-amount`: a cheque's amount must be a positive integer of minor units in an ISO 4217 currency. */
export function invalidAmount(amount: Money): DomainError {
  return new DomainError('invalid-amount', 'amount must be a positive integer of minor units', 'unprocessable', { amount });
}

/** 422 `invalid-time`: a time is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `gift-cheque-already-expired`: the expiry is not after the issue time. */
export function alreadyExpired(code: string, expiresAt: string): DomainError {
  return new DomainError('gift-cheque-already-expired', `gift cheque ${code} would expire at ${expiresAt}, before it is issued`, 'unprocessable', {
    code,
    expiresAt,
  });
}

/** 409 `gift-cheque-exists`: the code was issued before. */
export function chequeExists(code: string): DomainError {
  return new DomainError('gift-cheque-exists', `gift cheque ${code} already exists`, 'conflict', { code });
}

/** 409 `gift-cheque-not-found`: no cheque was issued with this code. */
export function chequeNotFound(code: string): DomainError {
  return new DomainError('gift-cheque-not-found', `no gift cheque ${code}`, 'conflict', { code });
}

/** 409 `gift-cheque-redeemed`: the cheque was already redeemed (into another wallet). */
export function chequeRedeemed(code: string): DomainError {
  return new DomainError('gift-cheque-redeemed', `gift cheque ${code} was already redeemed`, 'conflict', { code });
}

/** 409 `gift-cheque-expired`: the cheque's expiry has passed. */
export function chequeExpired(code: string, expiresAt: string): DomainError {
  return new DomainError('gift-cheque-expired', `gift cheque ${code} expired at ${expiresAt}`, 'conflict', { code, expiresAt });
}
