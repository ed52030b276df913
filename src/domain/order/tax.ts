import { allocateProportionally, money, type Money } from '../shared/index.js';
import type { PlaceOrderLine } from './commands.js';
import type { OrderLine } from './events.js';

/**
 * Turkish KDV (katma değer vergisi, VAT) rates in percent a line may carry.
 *
 * Source: Law No. 3065 on Value Added Tax (KDV Kanunu), art. 28, which lets the President set
 * the rates; Presidential Decree No. 7346 (Official Gazette 7 July 2023, in force 10 July 2023)
 * set the general rate to 20 % and the reduced rates to 1 % and 10 % (from 18 % and 8 %).
 * 0 stands for a line outside Turkish KDV (exempt supplies, or a tenant selling abroad, such
 * as the Olist import in BRL).
 */
export const KDV_RATES: readonly number[] = [0, 1, 10, 20];

/** The general KDV rate, used for lines that carry none (20 %, Decree No. 7346). */
export const DEFAULT_KDV_RATE = 20;

/**
 * Whether catalogue prices include KDV by default: yes. Turkish retail prices are shown to
 * consumers with every tax included (Law No. 6502 on Consumer Protection, art. 54; Regulation
 * on Price Labels, "tüm vergiler dahil satış fiyatı"), so a line's price already contains its KDV.
 */
export const PRICES_INCLUDE_KDV = true;

/** `a / b` rounded half up, for a ≥ 0, b > 0 (exact, in BigInt). */
function roundedDiv(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/**
 * A line's KDV in minor units on `base` (its price less its discount share) at `rate` %:
 * - prices including KDV: base × rate / (100 + rate), the KDV contained in the price;
 * - net prices: base × rate / 100, the KDV added on top.
 * Rounded half up to the minor unit per line (kuruş), as an invoice shows it per line.
 */
export function lineTax(base: number, rate: number, pricesIncludeTax: boolean): number {
  const b = BigInt(base);
  const r = BigInt(rate);
  return Number(pricesIncludeTax ? roundedDiv(b * r, 100n + r) : roundedDiv(b * r, 100n));
}

/** The figures of a priced order, all in minor units of `currency`. */
export interface PricedOrder {
  readonly lines: OrderLine[];
  readonly subtotal: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly includedTax: Money;
  readonly total: Money;
}

/**
 * Prices an order:
 * - lineTotal = unitPrice × quantity; subtotal = Σ lineTotal (GMV counts these);
 * - the discount is spread over the lines in proportion to their totals (largest remainder,
 *   `allocateProportionally`), since a discount shown on the invoice reduces the KDV base
 *   (KDV Law art. 25/a);
 * - each line's KDV on lineTotal − its discount share (`lineTax`);
 * - tax = Σ line KDV when prices are net, else 0; includedTax = Σ line KDV when prices include it, else 0;
 * - total = subtotal − discount + tax + shipping. Shipping is charged as given (no KDV split).
 * @throws InvalidMoneyError beyond safe integers (the decider turns it into `amount-out-of-range`)
 */
export function priceOrder(input: readonly PlaceOrderLine[], shipping: Money, discount: Money, pricesIncludeTax: boolean): PricedOrder {
  const currency = shipping.currency;
  const totals = input.map((line) => money(line.unitPrice.minor * line.quantity, currency));
  const subtotal = money(totals.reduce((s, t) => s + t.minor, 0), currency);
  const shares = allocateProportionally(discount.minor, totals.map((t) => t.minor));
  let taxSum = 0;
  const lines: OrderLine[] = input.map(({ sku, name, category, warehouseId, unitPrice, quantity, taxRate }, i) => {
    const rate = taxRate ?? DEFAULT_KDV_RATE;
    const lineDiscount = shares[i] ?? 0;
    const tax = lineTax(totals[i]!.minor - lineDiscount, rate, pricesIncludeTax);
    taxSum += tax;
    return {
      sku,
      name,
      category,
      warehouseId,
      unitPrice,
      quantity,
      lineTotal: totals[i]!,
      taxRate: rate,
      discount: money(lineDiscount, currency),
      tax: money(tax, currency),
    };
  });
  const tax = money(pricesIncludeTax ? 0 : taxSum, currency);
  const includedTax = money(pricesIncludeTax ? taxSum : 0, currency);
  const total = money(subtotal.minor - discount.minor + tax.minor + shipping.minor, currency);
  return { lines, subtotal, discount, tax, includedTax, total };
}

/**
 * What `units` of `line` cost the customer: its paid amount (lineTotal − discount share, plus
 * KDV when it was added) pro rata, rounded so that returning every unit gives back exactly the
 * line's paid amount: amount(units) = round(paid × units / quantity).
 */
export function paidForUnits(line: OrderLine, units: number, pricesIncludeTax: boolean): number {
  const paid = line.lineTotal.minor - (line.discount?.minor ?? 0) + (pricesIncludeTax ? 0 : (line.tax?.minor ?? 0));
  return Number(roundedDiv(BigInt(paid) * BigInt(units), BigInt(line.quantity)));
}
