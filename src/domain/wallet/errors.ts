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
  'wallet-frozen',
  'invalid-reason',
  'invalid-time',
  'bonus-already-expired',
  'bonus-lot-exists',
  'credit-exists',
  'request-exists',
  'request-not-found',
  'request-not-pending',
  'invalid-destination',
  'invalid-transfer',
  'transfer-exists',
  'transfer-not-found',
  'transfer-reversed',
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

/** 409 `insufficient-funds`: the usable balance is below the amount (details: balance, requested as Money; for a debit the balance counts unexpired bonus). */
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

/** 409 `wallet-frozen`: a frozen wallet takes nothing in and gives nothing out (refunds, releases and reversals excepted). */
export function walletFrozen(walletId: string): DomainError {
  return new DomainError('wallet-frozen', `wallet ${walletId} is frozen`, 'conflict', { walletId });
}

/** 422 `invalid-reason`: a reason (freeze, rejection, bonus, reversal) must be non-empty after trim. */
export function invalidReason(field: string): DomainError {
  return new DomainError('invalid-reason', `${field} must not be empty`, 'unprocessable', { field });
}

/** 422 `invalid-time`: a time is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `bonus-already-expired`: a bonus lot's expiry is not after the time it is granted at. */
export function bonusAlreadyExpired(lotId: string, expiresAt: string, at: string): DomainError {
  return new DomainError('bonus-already-expired', `bonus lot ${lotId} expires at ${expiresAt}, not after ${at}`, 'unprocessable', {
    lotId,
    expiresAt,
    at,
  });
}

/** 409 `bonus-lot-exists`: a lot with this id was granted before with another amount, expiry, reason or reference. */
export function bonusLotExists(lotId: string): DomainError {
  return new DomainError('bonus-lot-exists', `bonus lot ${lotId} was already granted`, 'conflict', { lotId });
}

/** 409 `credit-exists`: a credit with this id was applied before with another amount, reason or reference. */
export function creditExists(creditId: string): DomainError {
  return new DomainError('credit-exists', `credit ${creditId} was already applied with other content`, 'conflict', { creditId });
}

/**
 * 409 `request-exists`: a top-up or withdrawal request with this id exists with other content
 * (top-up: amount, method or reference; withdrawal: amount or destination).
 */
export function requestExists(requestId: string): DomainError {
  return new DomainError('request-exists', `request ${requestId} already exists`, 'conflict', { requestId });
}

/** 409 `request-not-found`: no top-up or withdrawal request with this id in this wallet. */
export function requestNotFound(requestId: string): DomainError {
  return new DomainError('request-not-found', `no request ${requestId} in this wallet`, 'conflict', { requestId });
}

/** 409 `request-not-pending`: the request was already decided the other way (details: status). */
export function requestNotPending(requestId: string, status: string): DomainError {
  return new DomainError('request-not-pending', `request ${requestId} is ${status}`, 'conflict', { requestId, status });
}

/** 422 `invalid-destination`: a withdrawal destination (IBAN) must be non-empty. */
export function invalidDestination(): DomainError {
  return new DomainError('invalid-destination', 'a withdrawal needs a destination account', 'unprocessable', {});
}

/** 422 `invalid-transfer`: a wallet cannot transfer to itself. */
export function invalidTransfer(walletId: string): DomainError {
  return new DomainError('invalid-transfer', `wallet ${walletId} cannot transfer to itself`, 'unprocessable', { walletId });
}

/** 409 `transfer-exists`: a transfer with this id was recorded here with other figures. */
export function transferExists(transferId: string): DomainError {
  return new DomainError('transfer-exists', `transfer ${transferId} already exists with other figures`, 'conflict', { transferId });
}

/** 409 `transfer-not-found`: no sent transfer with this id in this wallet. */
export function transferNotFound(transferId: string): DomainError {
  return new DomainError('transfer-not-found', `no transfer ${transferId} was sent from this wallet`, 'conflict', { transferId });
}

/**
 * 409 `transfer-reversed`: transfer `transferId` was refused by the receiving wallet and its
 * amount returned (or is being returned) to the sender; that id can never move money again,
 * send the transfer again under a new `transferId`. Details: `transferId`, and `reason` (the
 * reversal's reason, e.g. `transfer-refused:wallet-frozen`) when the sender's side knows it.
 */
export function transferReversed(transferId: string, reason?: string): DomainError {
  return new DomainError(
    'transfer-reversed',
    `transfer ${transferId} was refused by the receiving wallet and reversed; send it again with a new transferId`,
    'conflict',
    { transferId, ...(reason === undefined ? {} : { reason }) },
  );
}
