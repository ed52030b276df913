/**
 * Splits `total` whole units (minor units of money, or item units) over `weights` in
 * proportion, with the largest-remainder (Hamilton) method: each share is
 * ⌊total × wᵢ / Σw⌋, and the units left over go one each to the largest remainders,
 * ties to the earlier index. The shares always add up to `total` exactly, and the
 * result is deterministic. Exact integer arithmetic (BigInt), so no overflow for
 * safe-integer inputs.
 *
 * Used to spread an order discount over its lines (the KDV base of each line is its
 * price less its share of the discount).
 * @param total a non-negative safe integer
 * @param weights non-negative safe integers; when they sum to 0 the whole total goes to index 0
 * @returns one share per weight (empty for no weights)
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sumW = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (sumW === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const shares = weights.map((w) => (t * BigInt(w)) / sumW);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % sumW }));
  let left = t - shares.reduce((s, x) => s + x, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    shares[i] = shares[i]! + 1n;
    left -= 1n;
  }
  return shares.map(Number);
}
