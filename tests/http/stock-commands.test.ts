import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stockStream } from '../../src/application/commerce/streams.js';
import { stockDecider } from '../../src/domain/stock/index.js';
import { commandOk, commandProblem, createHarness, seedProduct, type Harness } from './harness.js';

/*
 * The stock defects as a client saw them over HTTP: a transfer id reused from another
 * warehouse lost the units it debited, and stock commands accepted SKUs never registered.
 * Each refusal is checked with what it appended (nothing).
 */

describe('HTTP: stock commands refuse without appending', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = await createHarness({ now: () => new Date('2026-11-21T07:00:00.000Z') });
    admin = h.token('acme', 'admin-1', ['admin']);
    await seedProduct(h, admin, { sku: 'S1', minor: 500, stock: 10, warehouseId: 'A' });
    await commandOk(h, admin, 'stock/receive', { sku: 'S1', warehouseId: 'C', quantity: 10, reference: 'po-2' });
  });
  after(() => h.close());

  const refused = async (path: string, body: unknown, status: number, code: string) => {
    const before = await h.eventCount();
    const problem = await commandProblem(h, admin, path, body, status, code);
    assert.equal(await h.eventCount(), before, `${path} appended nothing`);
    return problem;
  };
  const onHand = async (warehouseId: string) => (await h.handler.load(stockDecider, stockStream('acme', 'S1', warehouseId))).state.onHand;

  it('a transfer id already used into B answers 409 transfer-exists for a transfer from C, C keeps its units, and the total stays 20 (also when retried)', async () => {
    await commandOk(h, admin, 'stock/transfer', { sku: 'S1', fromWarehouseId: 'A', toWarehouseId: 'B', quantity: 3, transferId: 'T1' });
    for (let attempt = 0; attempt < 2; attempt++) {
      await refused('stock/transfer', { sku: 'S1', fromWarehouseId: 'C', toWarehouseId: 'B', quantity: 2, transferId: 'T1' }, 409, 'transfer-exists');
    }
    assert.deepEqual([await onHand('A'), await onHand('B'), await onHand('C')], [7, 3, 10]);
  });

  for (const [path, body] of [
    ['stock/receive', { sku: 'GHOST', warehouseId: 'A', quantity: 5, reference: 'po-x' }],
    ['stock/adjust', { sku: 'GHOST', warehouseId: 'A', quantity: 5, reason: 'found', reference: 'count-1' }],
    ['stock/transfer', { sku: 'GHOST', fromWarehouseId: 'A', toWarehouseId: 'B', quantity: 1, transferId: 'TG' }],
    ['stock/set-threshold', { sku: 'GHOST', warehouseId: 'A', lowStock: 2 }],
  ] as const) {
    it(`${path} naming a SKU never registered answers 409 product-not-found`, async () => {
      const problem = await refused(path, body, 409, 'product-not-found');
      assert.equal(problem.code, 'product-not-found');
    });
  }
});
