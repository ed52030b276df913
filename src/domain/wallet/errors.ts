import { DomainError, type Money } from '../shared/index.js';

/** Every error code the wallet decider throws. */
export const walletErrorCodes = [
  'wallet-already-opened',
  'wallet-not-found',
  'invalid-currency',
  'invalid-amount',
  'currency-mismatch',
  'amount-out-of-range',
  'insufficient-funds',
  'refund-exceeds-payment',
] as const;

/** One of `walletErrorCodes`. */
export type WalletErrorCode = (typeof walletErrorCodes)[number];

/** 409 `wallet-already-opened`: the wallet stream was opened before. */
export function walletAlreadyOpened(walletId: string): DomainError {
  return new DomainError('wallet-already-opened', `wallet ${walletId} is already opened`, 'conflict', { walletId });
}

/** 409 `wallet-not-found`: the wallet has not been opened. */
export function walletNotFound(walletId: string): DomainError {
  return new DomainError('wallet-not-found', `wallet ${walletId} does not exist`, 'conflict', { walletId });
}

/** 422 `invalid-currency`: the wallet currency is not three capital letters (ISO 4217 shape). */
export function invalidCurrency(currency: string): DomainError {
  return new DomainError('invalid-currency', `currency must be an ISO 4217 code, got ${currency}`, 'unprocessable', {
    currency,
  });
}

/** 422 `invalid-amount`: the amount is not a positive integer of minor units in an ISO 4217 currency. */
export function invalidAmount(amount: Money): DomainError {
  return new DomainError('invalid-amount', 'amount must be a positive integer of minor units', 'unprocessable', {
    amount,
  });
}

/** 422 `currency-mismatch`: the amount is not in the wallet currency. */
export function currencyMismatch(expected: string, actual: string): DomainError {
  return new DomainError('currency-mismatch', `amount must be in ${expected}, got ${actual}`, 'unprocessable', {
    expected,
    actual,
  });
}

/** 422 `amount-out-of-range`: the balance after a credit or refund would exceed the safe-integer range. */
export function amountOutOfRange(balance: Money, requested: Money): DomainError {
  return new DomainError('amount-out-of-range', 'balance would be too large', 'unprocessable', { balance, requested });
}

/** 409 `insufficient-funds`: the balance is below the debit (details: balance, requested as Money). */
export function insufficientFunds(walletId: string, balance: Money, requested: Money): DomainError {
  return new DomainError(
    'insufficient-funds',
    `wallet ${walletId} holds ${balance.minor}, ${requested.minor} requested`,
    'conflict',
    { walletId, balance, requested },
  );
}

/** 409 `refund-exceeds-payment`: more than the order's net payment from this wallet (details: paid, requested as Money). */
export function refundExceedsPayment(orderId: string, paid: Money, requested: Money): DomainError {
  return new DomainError(
    'refund-exceeds-payment',
    `order ${orderId} paid ${paid.minor} from this wallet, ${requested.minor} refund requested`,
    'conflict',
    { orderId, paid, requested },
  );
}
