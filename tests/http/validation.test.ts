import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarness, json, type Harness } from './harness.js';

const PROBLEM = 'https://commerce-core.dev/problems/';

interface ValidationProblem {
  type: string;
  status: number;
  field: string;
  errors: { field: string; message: string }[];
}

describe('HTTP validation', () => {
  let h: Harness;
  let admin: string;

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
  });
  after(() => h.close());

  const good = { sku: 'v-1', name: 'Book', category: 'books', price: { minor: 1000, currency: 'TRY' } };

  /** Sends a command and asserts a 400 `validation-failed` naming `field`, with nothing appended. */
  async function rejects(path: string, body: unknown, field: string): Promise<ValidationProblem> {
    const before = await h.eventCount();
    const response = await h.command(admin, path, body);
    assert.equal(response.statusCode, 400, `${path} ${JSON.stringify(body)}: ${response.body}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = json<ValidationProblem>(response);
    assert.equal(problem.type, `${PROBLEM}validation-failed`);
    assert.equal(problem.field, field, JSON.stringify(problem));
    assert.ok(problem.errors.some((e) => e.field === field));
    assert.equal(await h.eventCount(), before, 'nothing appended');
    return problem;
  }

  it('names the failing field of a bad body (price.minor: 12.5)', async () => {
    await rejects('products/register', { ...good, price: { minor: 12.5, currency: 'TRY' } }, 'price.minor');
    await rejects('products/register', { ...good, price: { minor: 2 ** 60, currency: 'TRY' } }, 'price.minor');
    await rejects('products/register', { ...good, price: { minor: 100, currency: 'try' } }, 'price.currency');
    await rejects('products/register', { ...good, price: { minor: '100', currency: 'TRY' } }, 'price.minor');
    await rejects('products/register', { ...good, name: '' }, 'name');
    const missing = await rejects('products/register', { sku: 'v-1', name: 'Book', category: 'books' }, 'price');
    assert.equal(missing.errors.length, 1);
  });

  it('says a missing field is required, and a wrong one what it must be', async () => {
    const missing = await rejects('products/register', { sku: 'v-1', category: 'books', price: { currency: 'TRY' } }, 'name');
    assert.deepEqual(missing.errors, [
      { field: 'name', message: 'is required' },
      { field: 'price.minor', message: 'is required' },
    ]);
    const wrong = await rejects('products/register', { ...good, name: 42 }, 'name');
    assert.notEqual(wrong.errors[0]!.message, 'is required');
    await rejects('products/register', { ...good, name: null }, 'name').then((p) => assert.notEqual(p.errors[0]!.message, 'is required', 'null is not missing'));
  });

  it('rejects ids that could break stream names', async () => {
    for (const sku of ['a@b', 'a:b', 'a/b', '-lead', '', 'x'.repeat(129)]) {
      await rejects('products/register', { ...good, sku }, 'sku');
    }
    await rejects('stock/receive', { sku: 'v-1', warehouseId: 'w@1', quantity: 1, reference: 'r' }, 'warehouseId');
  });

  it('rejects quantities that are not whole numbers from 1 to 1,000,000', async () => {
    for (const quantity of [0, -1, 1.5, 1_000_001, '3', null]) {
      await rejects('stock/receive', { sku: 'v-1', warehouseId: 'w1', quantity, reference: 'r' }, 'quantity');
    }
  });

  it('rejects unknown keys, naming them, at any depth', async () => {
    const top = await rejects('products/register', { ...good, tenantId: 'other' }, 'tenantId');
    assert.match(top.errors[0]!.message, /not a known field/);
    await rejects('products/register', { ...good, price: { minor: 1, currency: 'TRY', extra: 1 } }, 'price.extra');
    await rejects(
      'baskets/check-out',
      { basketId: 'b', shipping: { minor: 0, currency: 'TRY' }, payment: { external: { method: 'card', reference: 'r', captured: true, cvv: '123' } } },
      'payment.external.cvv',
    );
  });

  it('validates enums and arrays with indexed paths', async () => {
    await rejects('wallets/credit', { customerId: 'c', amount: { minor: 1, currency: 'TRY' }, reason: 'theft', reference: 'r' }, 'reason');
    await rejects('orders/confirm-payment', { orderId: 'o', payments: [] }, 'payments');
    await rejects(
      'orders/confirm-payment',
      { orderId: 'o', payments: [{ method: 'card', amount: { minor: 1, currency: 'TRY' }, reference: 'r' }, { method: 'cash', amount: { minor: 1, currency: 'TRY' }, reference: 'r' }] },
      'payments.1.method',
    );
  });

  it('rejects a body that is not an object', async () => {
    await rejects('products/register', [good], '');
    await rejects('products/register', 'null', '');
  });

  it('answers 400 malformed-json for bad JSON and an empty JSON body, appending nothing', async () => {
    const before = await h.eventCount();
    for (const payload of ['{"sku": "x",', '{sku: 1}', '']) {
      const response = await h.command(admin, 'products/register', payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(json(response).type, `${PROBLEM}malformed-json`, JSON.stringify(payload));
    }
    assert.equal(await h.eventCount(), before);
  });

  it('answers 415 for a non-JSON or missing content type and 413 for a body over 1 MiB', async () => {
    const before = await h.eventCount();
    const text = await h.server.inject({
      method: 'POST',
      url: '/commands/products/register',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      payload: JSON.stringify(good),
    });
    assert.equal(text.statusCode, 415);
    assert.equal(json(text).type, `${PROBLEM}unsupported-media-type`);
    const form = await h.server.inject({
      method: 'POST',
      url: '/commands/products/register',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'sku=x',
    });
    assert.equal(form.statusCode, 415);
    const none = await h.server.inject({ method: 'POST', url: '/commands/products/register', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(none.statusCode, 415);
    assert.equal(json(none).type, `${PROBLEM}unsupported-media-type`);
    const big = await h.command(admin, 'products/register', { ...good, name: 'x'.repeat(1024 * 1024) });
    assert.equal(big.statusCode, 413);
    assert.equal(json(big).type, `${PROBLEM}payload-too-large`);
    assert.equal(await h.eventCount(), before);
  });

  it('checks auth before parsing the body: a bad body without a token is 401', async () => {
    const response = await h.server.inject({
      method: 'POST',
      url: '/commands/products/register',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(response.statusCode, 401);
  });

  it('validates the Idempotency-Key header', async () => {
    for (const key of ['', 'with space', 'k'.repeat(129), 'ümlaut']) {
      const before = await h.eventCount();
      const response = await h.command(admin, 'products/register', good, { 'idempotency-key': key });
      assert.equal(response.statusCode, 400, JSON.stringify(key));
      assert.equal(json(response).field, 'idempotency-key');
      assert.equal(await h.eventCount(), before);
    }
  });

  it('answers a problem for an undecodable URL', async () => {
    const response = await h.server.inject({ method: 'GET', url: '/queries/catalogue/%E0%A4%A', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(json(response).type, `${PROBLEM}bad-request`);
  });

  it('validates querystrings and path parameters strictly', async () => {
    const cases: [string, string][] = [
      ['catalogue?limit=0', 'limit'],
      ['catalogue?limit=501', 'limit'],
      ['catalogue?limit=ten', 'limit'],
      ['catalogue?offset=-1', 'offset'],
      ['catalogue?limit=5&limit=6', 'limit'],
      ['catalogue?tenant=globex', 'tenant'],
      ['catalogue?position=12', 'position'],
      ['catalogue/a%40b', 'sku'],
      ['orders?status=lost', 'status'],
      ['orders/x:y', 'orderId'],
      ['sales/daily?from=2026-02-30', 'from'],
      ['sales/daily?from=2026-03-02&to=2026-03-01', 'to'],
      ['reports/sales?verbose=1', 'verbose'],
    ];
    for (const [path, field] of cases) {
      const response = await h.query(admin, path);
      assert.equal(response.statusCode, 400, `${path}: ${response.body}`);
      assert.equal(json(response).type, `${PROBLEM}validation-failed`, path);
      assert.equal(json(response).field, field, path);
    }
  });

  it('answers a __proto__ or constructor.prototype key as an unknown field, not as malformed JSON, and pollutes nothing', async () => {
    const freeze = '{"customerId":"cust-3","reason":"x","__proto__":{"admin":true}}';
    const top = await rejects('wallets/freeze', freeze, '__proto__');
    assert.deepEqual(top.errors, [{ field: '__proto__', message: 'is not a known field' }]);
    await rejects('wallets/freeze', '{"customerId":"cust-3","reason":"x","constructor":{"prototype":{"admin":true}}}', 'constructor');
    await rejects('wallets/freeze', '{"customerId":"cust-3","reason":"x","\\u005f_proto__":{"admin":true}}', '__proto__');
    await rejects('products/register', '{"sku":"v-1","name":"Book","category":"books","price":{"minor":1000,"currency":"TRY","__proto__":{"admin":true}}}', 'price.__proto__');
    await rejects('orders/confirm-payment', '{"orderId":"o-1","payments":[{"__proto__":{"x":1},"method":"card","amount":{"minor":1,"currency":"TRY"},"reference":"r"}]}', 'payments.0.__proto__');
    assert.equal(({} as Record<string, unknown>)['admin'], undefined, 'Object.prototype untouched');
  });

  it('refuses days outside the years 0001–9999 (PostgreSQL has no year 0000) on every day parameter, and accepts both ends', async () => {
    const cases: [string, string][] = [
      ['sales/daily?from=0000-01-01', 'from'],
      ['sales/daily?to=0000-12-31', 'to'],
      ['analytics/sales?from=0000-01-01', 'from'],
      ['analytics/returns?from=0000-01-01', 'from'],
      ['analytics/top-sellers?from=0000-01-01', 'from'],
      ['analytics/products?from=0000-02-29', 'from'],
      ['analytics/baskets?to=0000-12-31', 'to'],
    ];
    for (const [path, field] of cases) {
      const response = await h.query(admin, path);
      assert.equal(response.statusCode, 400, `${path}: ${response.body}`);
      assert.equal(json(response).type, `${PROBLEM}validation-failed`, path);
      assert.equal(json(response).field, field, path);
    }
    const recompute = await h.server.inject({
      method: 'POST',
      url: '/queries/segments/recompute',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ asOf: '0000-01-01' }),
    });
    assert.equal(recompute.statusCode, 400, recompute.body);
    assert.equal(json(recompute).field, 'asOf');
    for (const path of ['sales/daily?from=0001-01-01&to=9999-12-31', 'analytics/sales?from=0001-01-01&to=9999-12-31', 'analytics/baskets?from=0001-01-01&to=9999-12-31']) {
      const response = await h.query(admin, path);
      assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
    }
  });

  it('refuses times that do not exist (2030-02-30 is not 2030-03-02) on every time field', async () => {
    const amount = { minor: 1000, currency: 'TRY' };
    const campaign = { code: 'C-1', name: 'c', discount: { kind: 'percentage', percent: 10 }, currency: 'TRY', validFrom: '2026-11-01T00:00:00+03:00', validUntil: '2030-12-01T00:00:00+03:00' };
    const bad = ['2030-02-30T00:00:00Z', '2031-02-29T00:00:00+03:00', '2030-01-01T24:00:00Z', '2030-01-01T00:00:00+16:00', '0000-01-01T00:00:00Z'];
    for (const time of bad) {
      const problem = await rejects('wallets/grant-bonus', { customerId: 'c-1', amount, expiresAt: time, reason: 'campaign', reference: 'r' }, 'expiresAt');
      assert.deepEqual(problem.errors, [{ field: 'expiresAt', message: 'must be a time that exists' }], time);
      await rejects('gift-cheques/issue', { code: 'GC-1', amount, expiresAt: time }, 'expiresAt');
      await rejects('promotions/create', { ...campaign, validFrom: time }, 'validFrom');
      await rejects('promotions/create', { ...campaign, validUntil: time }, 'validUntil');
    }
  });
});
