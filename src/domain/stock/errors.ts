import { DomainError } from '../shared/index.js';

/** Every error code the stock decider throws. */
export const stockErrorCodes = [
  'invalid-quantity',
  'insufficient-stock',
  'reservation-exists',
  'reservation-not-found',
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
