import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commandProblem, createHarness, json, seedProduct, type Harness } from './harness.js';

describe('HTTP: catalogue inStock filter, category input', () => {
  let h: Harness;
  let admin: string;

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    await seedProduct(h, admin, { sku: 'IN-1', minor: 1000, stock: 3 });
    await seedProduct(h, admin, { sku: 'OUT-1', minor: 1000 });
    await h.catchUp();
  });
  after(() => h.close());

  const skus = async (query: string) => {
    const response = await h.query(admin, `catalogue?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return json<{ data: { sku: string }[] }>(response).data.map((p) => p.sku);
  };

  it('inStock=false lists only the products out of stock, inStock=true only those in stock', async () => {
    assert.deepEqual(await skus('inStock=false'), ['OUT-1']);
    assert.deepEqual(await skus('inStock=true'), ['IN-1']);
    assert.deepEqual(await skus(''), ['IN-1', 'OUT-1']);
  });

  it('products/register refuses a category of separators only with 400 naming category, appending nothing', async () => {
    const before = await h.eventCount();
    for (const category of [' > ', '/', ' / > ']) {
      const body = { sku: 'SEP-1', name: 'Rake', category, price: { minor: 1000, currency: 'TRY' } };
      const problem = await commandProblem(h, admin, 'products/register', body, 400, 'validation-failed');
      assert.equal(problem.field, 'category', JSON.stringify(problem));
    }
    assert.equal(await h.eventCount(), before);
    await h.catchUp();
    const tree = json<{ data: { path: string }[] }>(await h.query(admin, 'catalogue/categories')).data;
    assert.deepEqual(tree.map((n) => n.path), ['books']);
  });
});
