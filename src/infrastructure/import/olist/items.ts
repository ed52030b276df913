/**
 * Turning Olist's one-row-per-unit item rows into product lines with a quantity.
 */
import type { ItemRow } from './rows.js';

/** A validated item row with its 1-based line in the items file. */
export interface LocatedItemRow {
  readonly line: number;
  readonly row: ItemRow;
}

/** A product line before its category is attached; money in minor units. */
export interface GroupedItem {
  productId: string;
  sellerId: string;
  unitPriceMinor: number;
  quantity: number;
  freightMinor: number;
}

/** {@link groupItemRows}'s answer: the product lines, or the first offending row. */
export type GroupItemsResult =
  | { readonly ok: true; readonly items: GroupedItem[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

/**
 * Groups one order's item rows by `product_id`, in order of first appearance.
 *
 * `quantity` = number of rows of the product, `unitPriceMinor` = their (common) price,
 * `freightMinor` = their freight summed.
 *
 * Fails (pure, no throw) on the first row that repeats an `order_item_id` or that gives an
 * already-seen product a different price or seller: Olist's data never does, so such an order
 * cannot be represented faithfully and is rejected by the caller.
 *
 * @param rows the order's item rows, in file order
 */
export function groupItemRows(rows: readonly LocatedItemRow[]): GroupItemsResult {
  const byProduct = new Map<string, GroupedItem>();
  const seenItemIds = new Set<number>();
  for (const { line, row } of rows) {
    if (seenItemIds.has(row.order_item_id)) {
      return { ok: false, line, message: `duplicate order_item_id ${row.order_item_id} in order ${row.order_id}` };
    }
    seenItemIds.add(row.order_item_id);
    const existing = byProduct.get(row.product_id);
    if (!existing) {
      byProduct.set(row.product_id, {
        productId: row.product_id,
        sellerId: row.seller_id,
        unitPriceMinor: row.price,
        quantity: 1,
        freightMinor: row.freight_value,
      });
      continue;
    }
    if (existing.unitPriceMinor !== row.price || existing.sellerId !== row.seller_id) {
      return {
        ok: false,
        line,
        message:
          `product ${row.product_id} appears in order ${row.order_id} with different price/seller ` +
          `(${existing.unitPriceMinor}/${existing.sellerId} vs ${row.price}/${row.seller_id})`,
      };
    }
    existing.quantity += 1;
    existing.freightMinor += row.freight_value;
  }
  return { ok: true, items: [...byProduct.values()] };
}
