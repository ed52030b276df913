import { DomainError, type Money } from '../shared/index.js';

/**
 * How the server prices a customer's shipping, per ISO 4217 currency, in minor units:
 * `fees[currency]` is the flat fee of an order; `freeFrom[currency]`, when set, is the
 * subtotal after discount from which shipping is free (inclusive). A currency without a
 * fee cannot be shipped to by policy (see `shippingPrice`).
 */
export interface ShippingPolicy {
  readonly fees: Readonly<Record<string, number>>;
  readonly freeFrom: Readonly<Record<string, number>>;
}

/** A policy with no fee for any currency: every policy-priced checkout is refused. */
export const NO_SHIPPING_POLICY: ShippingPolicy = { fees: {}, freeFrom: {} };

/**
 * The shipping charged for an order whose subtotal after discount is `subtotal` (minor
 * units, in the order's currency): 0 from the currency's free-shipping threshold on, else
 * the currency's flat fee.
 * @throws DomainError 422 `shipping-unavailable` (details `{ field: 'shipping', currency }`)
 *   when the policy has no fee for the currency
 */
export function shippingPrice(policy: ShippingPolicy, subtotal: Money): Money {
  const { currency } = subtotal;
  const fee = Object.hasOwn(policy.fees, currency) ? policy.fees[currency] : undefined;
  if (fee === undefined) {
    throw new DomainError('shipping-unavailable', `shipping: no shipping fee is configured for ${currency}`, 'unprocessable', { field: 'shipping', currency });
  }
  const freeFrom = Object.hasOwn(policy.freeFrom, currency) ? policy.freeFrom[currency] : undefined;
  return { minor: freeFrom !== undefined && subtotal.minor >= freeFrom ? 0 : fee, currency };
}
