/** One order line to allocate: `quantity` units of `sku`, preferably from `preferredWarehouseId`. */
export interface AllocationLine {
  readonly sku: string;
  readonly quantity: number;
  readonly preferredWarehouseId: string;
}

/** Units of a SKU available in one warehouse when the allocation is made. */
export interface WarehouseAvailability {
  readonly warehouseId: string;
  readonly available: number;
}

/** `quantity` units of line `lineIndex` (`sku`) to be reserved in `warehouseId`. */
export interface StockAllocation {
  readonly lineIndex: number;
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

/**
 * Allocates an order's lines across warehouses (pure; the caller reads availability).
 * `availability[sku]` lists the candidate warehouses of a SKU in the tenant's fulfilment
 * priority. Lines are taken in order and each one's allocations reduce what later lines of
 * the same SKU can use. For a line:
 * 1. its preferred warehouse (the basket line's) when it covers the whole line;
 * 2. else the first other warehouse that covers the whole line (one parcel rather than two);
 * 3. else split: the preferred warehouse first, then the others in priority order;
 * 4. if all candidates together cannot cover it, the whole line goes to the preferred
 *    warehouse, so its reservation fails there with `insufficient-stock` and real figures.
 * @returns allocations in line order (a split line yields several), quantities > 0
 */
export function allocateLines(
  lines: readonly AllocationLine[],
  availability: Readonly<Record<string, readonly WarehouseAvailability[]>>,
): StockAllocation[] {
  const left = new Map<string, number>();
  const key = (sku: string, warehouseId: string) => `${sku}@${warehouseId}`;
  const availableAt = (sku: string, warehouseId: string): number => {
    const k = key(sku, warehouseId);
    if (!left.has(k)) {
      const known = (Object.hasOwn(availability, sku) ? availability[sku] : undefined)?.find((w) => w.warehouseId === warehouseId);
      left.set(k, Math.max(0, known?.available ?? 0));
    }
    return left.get(k)!;
  };
  const take = (sku: string, warehouseId: string, quantity: number) => left.set(key(sku, warehouseId), availableAt(sku, warehouseId) - quantity);

  const allocations: StockAllocation[] = [];
  lines.forEach((line, lineIndex) => {
    const candidates = [
      line.preferredWarehouseId,
      ...((Object.hasOwn(availability, line.sku) ? availability[line.sku] : undefined) ?? [])
        .map((w) => w.warehouseId)
        .filter((w) => w !== line.preferredWarehouseId),
    ];
    const one = (warehouseId: string, quantity: number) => {
      take(line.sku, warehouseId, quantity);
      allocations.push({ lineIndex, sku: line.sku, warehouseId, quantity });
    };
    const whole = candidates.find((w) => availableAt(line.sku, w) >= line.quantity);
    if (whole !== undefined) return one(whole, line.quantity);
    const total = candidates.reduce((s, w) => s + availableAt(line.sku, w), 0);
    if (total < line.quantity) return one(line.preferredWarehouseId, line.quantity);
    let rest = line.quantity;
    for (const w of candidates) {
      const part = Math.min(rest, availableAt(line.sku, w));
      if (part > 0) one(w, part);
      rest -= part;
      if (rest === 0) break;
    }
  });
  return allocations;
}
