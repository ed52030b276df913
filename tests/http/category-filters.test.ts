import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Projector, projections } from '../../src/projections/index.js';
import { given } from '../projections/support.js';
import { createHarness, json, type Harness } from './harness.js';

const TRY = (minor: number) => ({ minor, currency: 'TRY' });
const WHEN = '2026-03-01T10:00:00.000+03:00';

describe('HTTP queries: every category filter reads a path spelled with > or / alike', () => {
  let h: Harness;
  let admin: string;
  // Products registered under one category path spelled three ways, one under it, one elsewhere.
  const products = [
    ['KNIFE', 'Home > Kitchen', 4],
    ['MUG', 'Home/Kitchen', 3],
    ['PAN', 'Home / Kitchen / Pans', 2],
    ['RAKE', 'Garden', 1],
  ] as const;

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    const lines = products.map(([sku, category, quantity]) => ({ sku, name: sku, category, warehouseId: 'w1', unitPrice: TRY(100), quantity, lineTotal: TRY(100 * quantity) }));
    for (const [sku, category] of products) await given(h.store, `product-acme:${sku}`, 'ProductRegistered', { sku, name: sku, category, price: TRY(100) }, WHEN);
    await given(h.store, 'order-acme:o1', 'OrderPlaced', { orderId: 'o1', customerId: 'alice', basketId: 'b1', lines, subtotal: TRY(1000), shipping: TRY(0), total: TRY(1000) }, WHEN);
    for (const p of projections) await new Projector(h.store, h.database.db, p).catchUp();
  });
  after(() => h.close());

  const data = async <T>(path: string): Promise<T> => {
    const response = await h.query(admin, path);
    assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
    return json<{ data: T }>(response).data;
  };
  const category = (spelling: string) => `category=${encodeURIComponent(spelling)}`;

  it('top sellers: Home > Kitchen is Home/Kitchen and its subtree, whatever spelling the products were registered with', async () => {
    const skus = async (spelling: string) => (await data<{ key: string }[]>(`analytics/top-sellers?${category(spelling)}`)).map((t) => t.key);
    assert.deepEqual(await skus('Home/Kitchen'), ['KNIFE', 'MUG', 'PAN']);
    for (const spelling of ['Home > Kitchen', 'Home>Kitchen', ' Home / Kitchen ']) assert.deepEqual(await skus(spelling), ['KNIFE', 'MUG', 'PAN'], spelling);
    assert.deepEqual(await skus('Home > Kitchen > Pans'), ['PAN']);
    assert.deepEqual(await skus('Garden'), ['RAKE']);
    assert.deepEqual(await skus('Kitchen'), []);
    // The catalogue reads the same spellings the same way.
    const catalogue = async (spelling: string) => (await data<{ sku: string }[]>(`catalogue?${category(spelling)}`)).map((p) => p.sku);
    assert.deepEqual(await catalogue('Home > Kitchen'), ['KNIFE', 'MUG', 'PAN']);
  });

  it('daily sales: one row per catalogue category (Home > Kitchen and Home/Kitchen are Home/Kitchen), found by either spelling', async () => {
    const rows = async (spelling: string) => data<{ day: string; category: string; items: number }[]>(`sales/daily?${category(spelling)}`);
    const canonical = await rows('Home/Kitchen');
    assert.deepEqual(canonical, [{ day: '2026-03-01', category: 'Home/Kitchen', gmv: TRY(700), orders: 1, items: 7 }]);
    for (const spelling of ['Home > Kitchen', 'Home>Kitchen', ' Home / Kitchen ']) assert.deepEqual(await rows(spelling), canonical, spelling);
    assert.deepEqual((await rows('Home > Kitchen > Pans')).map((r) => r.category), ['Home/Kitchen/Pans']);
    assert.deepEqual(await rows('Kitchen'), []);
  });

  it('sales per category: one row per catalogue category, whichever spelling its products were registered with', async () => {
    const categories = await data<{ key: string; units: number; gmv: unknown }[]>('analytics/categories');
    assert.deepEqual(categories.map((c) => [c.key, c.units, c.gmv]), [['Home/Kitchen', 7, TRY(700)], ['Home/Kitchen/Pans', 2, TRY(200)], ['Garden', 1, TRY(100)]]);
  });
});
