import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/infrastructure/http/validation.js';
import { commandOk, commandProblem, createHarness, json, PROBLEM, type Harness } from './harness.js';

interface FieldProblem {
  type: string;
  title: string;
  status: number;
  field: string;
  errors: { field: string; message: string }[];
}

/** `depth` arrays nested in one another: `[[[…]]]`. */
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('HTTP input hardening', () => {
  let h: Harness;
  let admin: string;
  let alice: string;

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
  });
  after(() => h.close());

  const product = { sku: 'IH-1', name: 'Book', category: 'books', price: { minor: 1000, currency: 'TRY' } };

  /** Sends a command; asserts 400 `validation-failed` naming `field` with `message`, and nothing appended. */
  async function refused(token: string, path: string, body: unknown, field: string, message: RegExp): Promise<void> {
    const before = await h.eventCount();
    const problem = (await commandProblem(h, token, path, body, 400, 'validation-failed')) as unknown as FieldProblem;
    assert.equal(problem.title, 'Validation failed');
    assert.equal(problem.field, field, JSON.stringify(problem));
    assert.match(problem.errors.find((e) => e.field === field)?.message ?? '', message);
    assert.equal(await h.eventCount(), before, 'nothing appended');
  }

  it('answers a body of 30,000 nested arrays or objects 400 at once, and keeps serving', async () => {
    const before = await h.eventCount();
    for (const body of [nestedArrays(30_000), '{"a":'.repeat(30_000) + '1' + '}'.repeat(30_000)]) {
      const started = performance.now();
      const problem = await commandProblem(h, alice, 'baskets/add-item', body, 400, 'malformed-json');
      const ms = performance.now() - started;
      assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
      assert.match(String(problem.detail), new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`));
    }
    assert.equal(await h.eventCount(), before, 'nothing appended');
    await commandOk(h, admin, 'products/register', product);
  });

  it(`refuses a body nested ${MAX_JSON_DEPTH + 1} levels deep as JSON, but validates one of ${MAX_JSON_DEPTH}`, async () => {
    // The body object is level 1, `deep` level 2: arrays fill the rest.
    const body = (depth: number) => `{"basketId":"b-1","sku":"IH-1","quantity":1,"warehouseId":"wh-1","deep":${nestedArrays(depth - 1)}}`;
    await refused(alice, 'baskets/add-item', body(MAX_JSON_DEPTH), 'deep', /not a known field/);
    await commandProblem(h, alice, 'baskets/add-item', body(MAX_JSON_DEPTH + 1), 400, 'malformed-json');
  });

  it('refuses a lone UTF-16 surrogate in any text field, naming the field, and accepts a surrogate pair', async () => {
    await refused(admin, 'products/register', { ...product, sku: 'IH-2', name: 'a\ud800b' }, 'name', /lone UTF-16 surrogate/);
    await refused(admin, 'stock/receive', { sku: 'IH-1', warehouseId: 'wh-1', quantity: 1, reference: 'x\udfff' }, 'reference', /surrogate/);
    await refused(alice, 'orders/cancel', { orderId: 'alice-o3', reason: 'x\udfff' }, 'reason', /surrogate/);
    await refused(admin, 'products/register', { ...product, sku: 'a\ud800' }, 'sku', /letters, digits/);
    await commandOk(h, admin, 'products/register', { ...product, sku: 'IH-3', name: 'Kitap 📚' });
  });

  it('refuses currencies that are not ISO 4217 codes in use, naming the field', async () => {
    await refused(admin, 'products/register', { ...product, sku: 'IH-4', price: { minor: 100, currency: 'XYZ' } }, 'price.currency', /ISO 4217/);
    await refused(admin, 'wallets/open', { customerId: 'cur-1', currency: 'ZZZ' }, 'currency', /ISO 4217/);
    await refused(admin, 'wallets/open', { customerId: 'cur-1', currency: 'XXX' }, 'currency', /ISO 4217/);
    await commandOk(h, admin, 'wallets/open', { customerId: 'cur-1', currency: 'BRL' });
  });

  it('answers a wrong method on an existing route 405 with Allow, and an unknown path 404', async () => {
    for (const [method, url, allow] of [
      ['GET', '/commands/products/register', 'POST'],
      ['DELETE', '/queries/catalogue', 'GET, HEAD'],
      ['PUT', '/queries/catalogue/IH-1?position=1/1', 'GET, HEAD'],
    ] as const) {
      const response = await h.server.inject({ method, url, headers: { authorization: `Bearer ${admin}` } });
      assert.equal(response.statusCode, 405, `${method} ${url}: ${response.body}`);
      assert.equal(response.headers.allow, allow);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const problem = json(response);
      assert.equal(problem.type, `${PROBLEM}method-not-allowed`);
      assert.equal(problem.title, 'Method not allowed');
      assert.equal(problem.status, 405);
    }
    const unknown = await h.server.inject({ method: 'GET', url: '/commands/products/delete', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.headers.allow, undefined);
    assert.equal(json(unknown).type, `${PROBLEM}not-found`);
  });

  it('refuses a position part beyond 2^63 − 1 at once, naming position', async () => {
    for (const position of ['99999999999999999999/99999999999999999999', '9223372036854775808/0', '1/9223372036854775808']) {
      const started = performance.now();
      const response = await h.query(admin, `catalogue?position=${position}`);
      const ms = performance.now() - started;
      assert.equal(response.statusCode, 400, `${position}: ${response.body}`);
      assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
      const problem = json<FieldProblem>(response);
      assert.equal(problem.type, `${PROBLEM}validation-failed`);
      assert.equal(problem.field, 'position');
      assert.match(problem.errors[0]!.message, /at most 9223372036854775807/);
    }
    await h.catchUp();
    const reachable = await h.query(admin, 'catalogue?position=0/0');
    assert.equal(reachable.statusCode, 200, reachable.body);
  });
});
