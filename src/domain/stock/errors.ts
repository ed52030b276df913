import { DomainError } from '../shared/index.js';

/** Every error code the stock decider throws. */
export const stockErrorCodes = [
  'invalid-quantity',
  'insufficient-stock',
  'reservation-exists',
  'reservation-not-found',
  'invalid-reason',
  'invalid-adjustment',
  'invalid-threshold',
  'invalid-time',
  'invalid-transfer',
  'transfer-exists',
  'transfer-not-found',
  'transfer-reversed',
  'return-exceeds-shipped',
] as const;

/** One of `stockErrorCodes`. */
export type StockErrorCode = (typeof stockErrorCodes)[number];

/** 422 `invalid-quantity`: the quantity is not a positive safe integer (or would overflow on-hand stock). */
export function invalidQuantity(quantity: number): DomainError {
  return new DomainError('invalid-quantity', `quantity must be a positive integer, got ${quantity}`, 'unprocessable', {
    quantity,
  });
}

/** 409 `insufficient-stock`: fewer than `requested` units are available (details: requested, available). */
export function insufficientStock(sku: string, warehouseId: string, requested: number, available: number): DomainError {
  return new DomainError(
    'insufficient-stock',
    `only ${available} of ${sku} available in ${warehouseId}, ${requested} requested`,
    'conflict',
    { sku, warehouseId, requested, available },
  );
}

/** 409 `reservation-exists`: `orderId` already holds `existing` units here, a different quantity was requested. */
export function reservationExists(orderId: string, existing: number, requested: number): DomainError {
  return new DomainError(
    'reservation-exists',
    `order ${orderId} already holds ${existing} units, cannot reserve ${requested}`,
    'conflict',
    { orderId, existing, requested },
  );
}

/** 409 `reservation-not-found`: `orderId` holds no reservation in this stream. */
export function reservationNotFound(sku: string, warehouseId: string, orderId: string): DomainError {
  return new DomainError(
    'reservation-not-found',
    `order ${orderId} holds no reservation of ${sku} in ${warehouseId}`,
    'conflict',
    { sku, warehouseId, orderId },
  );
}

/** 422 `invalid-reason`: an adjustment (or transfer reversal) reason must be non-empty after trim. */
export function invalidReason(): DomainError {
  return new DomainError('invalid-reason', 'an adjustment needs a reason', 'unprocessable', {});
}

/** 422 `invalid-adjustment`: an adjustment quantity must be a non-zero safe integer. */
export function invalidAdjustment(quantity: number): DomainError {
  return new DomainError('invalid-adjustment', `adjustment must be a non-zero whole number, got ${quantity}`, 'unprocessable', { quantity });
}

/** 422 `invalid-threshold`: a low-stock threshold must be a whole number ≥ 0. */
export function invalidThreshold(lowStock: number): DomainError {
  return new DomainError('invalid-threshold', `threshold must be a whole number ≥ 0, got ${lowStock}`, 'unprocessable', { lowStock });
}

/** 422 `invalid-time`: a reservation expiry is not an ISO 8601 instant with an offset. */
export function invalidTime(field: string, value: string): DomainError {
  return new DomainError('invalid-time', `${field} must be an ISO 8601 time with an offset, got ${value}`, 'unprocessable', { field, value });
}

/** 422 `invalid-transfer`: a warehouse cannot transfer to itself. */
export function invalidTransfer(warehouseId: string): DomainError {
  return new DomainError('invalid-transfer', `warehouse ${warehouseId} cannot transfer to itself`, 'unprocessable', { warehouseId });
}

/** 409 `transfer-exists`: transfer `transferId` is recorded here with other figures (or was refused here for another source). */
export function transferExists(transferId: string): DomainError {
  return new DomainError('transfer-exists', `transfer ${transferId} already exists with other figures`, 'conflict', { transferId });
}

/** 409 `transfer-not-found`: no transfer `transferId` was sent from this warehouse (nothing to reverse). */
export function transferNotFound(transferId: string): DomainError {
  return new DomainError('transfer-not-found', `no transfer ${transferId} was sent from here`, 'conflict', { transferId });
}

/**
 * 409 `transfer-reversed`: transfer `transferId` was refused by the receiving warehouse (which
 * recorded it) and its units are given back to the sender (details: transferId, reason); the id
 * cannot move stock again.
 */
export function transferReversed(transferId: string, reason: string): DomainError {
  return new DomainError('transfer-reversed', `transfer ${transferId} was reversed (${reason}) and cannot be sent again`, 'conflict', {
    transferId,
    reason,
  });
}

/** 409 `return-exceeds-shipped`: more units returned than the order shipped from here (details: returnable, requested). */
export function returnExceedsShipped(orderId: string, returnable: number, requested: number): DomainError {
  return new DomainError('return-exceeds-shipped', `order ${orderId} can return ${returnable} units here, ${requested} requested`, 'conflict', {
    orderId,
    returnable,
    requested,
  });
}
