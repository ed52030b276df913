import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { CommandHandler } from '../../src/application/command-handler.js';
import { basketStream, productStream } from '../../src/application/commerce/streams.js';
import { WrongExpectedRevisionError } from '../../src/application/ports/event-store.js';
import { createHarness, json, seedProduct, type Harness } from './harness.js';

const PROBLEM = 'https://commerce-core.dev/problems/';
const FIXED_NOW = new Date('2026-11-21T19:18:00.000Z');

describe('HTTP commands', () => {
  let h: Harness;
  let admin: string;
  let alice: string;

  before(async () => {
    h = await createHarness({ now: () => FIXED_NOW });
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
  });
  after(() => h.close());

  it('answers 200 with the stream, revision and position as strings', async () => {
    const response = await h.command(admin, 'products/register', { sku: 'c-1', name: 'Pen', category: 'office', price: { minor: 250, currency: 'TRY' } });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = json(response);
    assert.equal(body.streamId, 'product-acme:c-1');
    assert.equal(body.revision, '0');
    assert.match(String(body.position), /^\d+\/\d+$/);
  });

  it('a no-op answers the stream as it is (same price again appends nothing)', async () => {
    const before = await h.eventCount();
    const response = await h.command(admin, 'products/change-price', { sku: 'c-1', price: { minor: 250, currency: 'TRY' } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(json(response).revision, '0');
    assert.equal(await h.eventCount(), before);
  });

  it('writes the command context into the events: tenant, actor, correlation (X-Request-Id), causation (the Idempotency-Key\'s command id), business time', async () => {
    const response = await h.command(
      admin,
      'products/register',
      { sku: 'c-2', name: 'Ink', category: 'office', price: { minor: 90, currency: 'TRY' } },
      { 'idempotency-key': 'key-123/ABC', 'x-request-id': 'req-42' },
    );
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['x-request-id'], 'req-42');
    const [event] = await h.store.readStream(productStream('acme', 'c-2'));
    assert.ok(event);
    const { rows } = await sql<{ command_id: string }>`select command_id from idempotency_keys where idempotency_key = 'key-123/ABC'`.execute(h.database.db);
    assert.equal(event.metadata.causationId, rows[0]!.command_id);
    assert.equal(event.metadata.correlationId, 'req-42');
    assert.equal(event.metadata.tenantId, 'acme');
    assert.equal(event.metadata.actor, 'user:admin-1');
    assert.equal(event.metadata.occurredAt, '2026-11-21T22:18:00.000+03:00');
  });

  it('without Idempotency-Key the causation id is a fresh UUID per command', async () => {
    await h.command(admin, 'stock/receive', { sku: 'c-2', warehouseId: 'w1', quantity: 5, reference: 'po-1' });
    await h.command(admin, 'stock/receive', { sku: 'c-2', warehouseId: 'w1', quantity: 5, reference: 'po-2' });
    const events = await h.store.readStream('stock-acme:c-2@w1');
    assert.equal(events.length, 2);
    const [a, b] = events.map((e) => e.metadata.causationId);
    assert.match(a!, /^[0-9a-f-]{36}$/);
    assert.notEqual(a, b);
  });

  it('generates basketId and orderId when absent and returns them', async () => {
    await seedProduct(h, admin, { sku: 'gen-1', minor: 1000, stock: 5 });
    const opened = await h.command(alice, 'baskets/open', { customerId: 'alice', currency: 'TRY' });
    assert.equal(opened.statusCode, 200, opened.body);
    const basketId = String(json(opened).basketId);
    assert.match(basketId, /^[0-9a-f-]{36}$/);
    assert.equal(json(opened).streamId, basketStream('acme', basketId));
    await h.command(alice, 'baskets/add-item', { basketId, sku: 'gen-1', quantity: 2, warehouseId: 'wh-1' });
    const checkedOut = await h.command(admin, 'baskets/check-out', {
      basketId,
      shipping: { minor: 500, currency: 'TRY' },
      payment: { external: { method: 'boleto', reference: 'bol-1', captured: false } },
    });
    assert.equal(checkedOut.statusCode, 200, checkedOut.body);
    const body = json(checkedOut);
    assert.match(String(body.orderId), /^[0-9a-f-]{36}$/);
    assert.equal(body.confirmed, false);
    assert.deepEqual(body.total, { minor: 2500, currency: 'TRY' });
    assert.equal(body.streamId, `order-acme:${String(body.orderId)}`);
  });

  it('an Idempotency-Key sent again with another request is refused with 422, appending nothing', async () => {
    await h.command(admin, 'wallets/open', { customerId: 'idem-1', currency: 'TRY' });
    const credit = { customerId: 'idem-1', amount: { minor: 500, currency: 'TRY' }, reason: 'top-up', reference: 'r-1' };
    const key = { 'idempotency-key': 'idem-credit-1' };
    const first = await h.command(admin, 'wallets/credit', credit, key);
    assert.equal(first.statusCode, 200, first.body);
    const before = await h.eventCount();
    // The same request again, its fields in another order: a retry, answered as the first time.
    const retried = await h.command(admin, 'wallets/credit', { reference: 'r-1', reason: 'top-up', amount: { currency: 'TRY', minor: 500 }, customerId: 'idem-1' }, key);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.deepEqual(json(retried), json(first));
    const refused = [
      await h.command(admin, 'wallets/credit', { ...credit, amount: { minor: 900, currency: 'TRY' } }, key), // another amount
      await h.command(admin, 'wallets/grant-bonus', { customerId: 'idem-1', amount: { minor: 500, currency: 'TRY' }, expiresAt: '2027-01-01T00:00:00.000+03:00', reason: 'welcome', reference: 'r-1' }, key), // another route
      await h.command(h.token('acme', 'admin-2', ['admin']), 'wallets/credit', credit, key), // another caller of the tenant
    ];
    for (const response of refused) {
      assert.equal(response.statusCode, 422, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(json(response).type, `${PROBLEM}idempotency-key-reused`);
      assert.equal(json(response).field, 'idempotency-key');
    }
    assert.equal(await h.eventCount(), before, 'a refused request appended events');
    // Keys are the tenant's own: another tenant may use the same one.
    const otherAdmin = h.token('globex', 'admin-1', ['admin']);
    await h.command(otherAdmin, 'wallets/open', { customerId: 'idem-1', currency: 'TRY' });
    assert.equal((await h.command(otherAdmin, 'wallets/credit', credit, key)).statusCode, 200);
  });

  it('a check-out retried with the same Idempotency-Key resumes the same order instead of placing another', async () => {
    await seedProduct(h, admin, { sku: 'retry-1', minor: 1000, stock: 5 });
    const key = { 'idempotency-key': 'open-retry-basket' };
    const opened = await h.command(alice, 'baskets/open', { customerId: 'alice', currency: 'TRY' }, key);
    const again = await h.command(alice, 'baskets/open', { customerId: 'alice', currency: 'TRY' }, key);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(json(again).basketId, json(opened).basketId);
    const basketId = String(json(opened).basketId);
    await h.command(alice, 'baskets/add-item', { basketId, sku: 'retry-1', quantity: 1, warehouseId: 'wh-1' });
    const body = { basketId, payment: { external: { method: 'card', reference: 'c', captured: false } } };
    const first = await h.command(alice, 'baskets/check-out', body, { 'idempotency-key': 'checkout-retry' });
    const retried = await h.command(alice, 'baskets/check-out', body, { 'idempotency-key': 'checkout-retry' });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal(json(retried).orderId, json(first).orderId);
    assert.deepEqual([json(first).status, json(retried).status], ['awaiting-payment', 'awaiting-payment']);
    const reservations = (await h.store.readStream('stock-acme:retry-1@wh-1')).filter((e) => e.type === 'StockReserved');
    assert.equal(reservations.length, 1);
  });

  it('answers 409 empty-basket with the stable type and details, appending nothing', async () => {
    await h.command(alice, 'baskets/open', { basketId: 'empty-1', customerId: 'alice', currency: 'TRY' });
    const before = await h.eventCount();
    const response = await h.command(alice, 'baskets/check-out', {
      basketId: 'empty-1',
      payment: { external: { method: 'card', reference: 'c', captured: false } },
    });
    assert.equal(response.statusCode, 409, response.body);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = json(response);
    assert.equal(problem.type, `${PROBLEM}empty-basket`);
    assert.equal(problem.code, 'empty-basket');
    assert.equal(problem.status, 409);
    assert.deepEqual(problem.details, { basketId: 'empty-1' });
    assert.equal(await h.eventCount(), before);
  });

  it('answers 409 insufficient-stock at checkout with the figures, and leaves the basket open', async () => {
    await seedProduct(h, admin, { sku: 'scarce', minor: 700, stock: 2 });
    await h.command(alice, 'baskets/open', { basketId: 'scarce-b', customerId: 'alice', currency: 'TRY' });
    await h.command(alice, 'baskets/add-item', { basketId: 'scarce-b', sku: 'scarce', quantity: 3, warehouseId: 'wh-1' });
    const response = await h.command(alice, 'baskets/check-out', {
      basketId: 'scarce-b',
      orderId: 'scarce-o',
      payment: { external: { method: 'card', reference: 'c', captured: false } },
    });
    assert.equal(response.statusCode, 409, response.body);
    assert.equal(json(response).type, `${PROBLEM}insufficient-stock`);
    assert.deepEqual(json(response).details, { sku: 'scarce', warehouseId: 'wh-1', requested: 3, available: 2 });
    const fixed = await h.command(alice, 'baskets/change-quantity', { basketId: 'scarce-b', sku: 'scarce', quantity: 2 });
    assert.equal(fixed.statusCode, 200, 'basket still open');
  });

  it('answers one status per problem type: product-not-found is 409 wherever an unregistered SKU is named', async () => {
    await h.command(alice, 'baskets/open', { basketId: 'u-0', customerId: 'alice', currency: 'TRY' });
    const noProduct = await h.command(alice, 'baskets/add-item', { basketId: 'u-0', sku: 'ghost', quantity: 1, warehouseId: 'wh-1' });
    const noPrice = await h.command(admin, 'products/change-price', { sku: 'ghost', price: { minor: 100, currency: 'TRY' } });
    for (const response of [noProduct, noPrice]) {
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(json(response).type, `${PROBLEM}product-not-found`);
    }
  });

  it('answers 422 for unprocessable rejections (invalid-price, payment-incomplete)', async () => {
    await h.command(alice, 'baskets/open', { basketId: 'u-1', customerId: 'alice', currency: 'TRY' });

    const before = await h.eventCount();
    const zeroPrice = await h.command(admin, 'products/register', { sku: 'free', name: 'Free', category: 'x', price: { minor: 0, currency: 'TRY' } });
    assert.equal(zeroPrice.statusCode, 422);
    assert.equal(json(zeroPrice).type, `${PROBLEM}invalid-price`);
    assert.equal(await h.eventCount(), before);

    await seedProduct(h, admin, { sku: 'u-p', minor: 100, stock: 1 });
    await h.command(alice, 'baskets/add-item', { basketId: 'u-1', sku: 'u-p', quantity: 1, warehouseId: 'wh-1' });
    const unpaid = await h.command(alice, 'baskets/check-out', { basketId: 'u-1', payment: {} });
    assert.equal(unpaid.statusCode, 422);
    assert.equal(json(unpaid).type, `${PROBLEM}payment-incomplete`);
  });

  it('answers 409 for conflicts (product-already-registered, basket-not-found)', async () => {
    const again = await h.command(admin, 'products/register', { sku: 'c-1', name: 'Pen', category: 'office', price: { minor: 250, currency: 'TRY' } });
    assert.equal(again.statusCode, 409);
    assert.equal(json(again).type, `${PROBLEM}product-already-registered`);
    const missing = await h.command(alice, 'baskets/remove-item', { basketId: 'never-opened', sku: 'c-1' });
    assert.equal(missing.statusCode, 409);
    assert.equal(json(missing).type, `${PROBLEM}basket-not-found`);
  });

  it('runs the order lifecycle: confirm-payment, ship, deliver', async () => {
    await seedProduct(h, admin, { sku: 'life', minor: 1000, stock: 3 });
    await h.command(alice, 'baskets/open', { basketId: 'life-b', customerId: 'alice', currency: 'TRY' });
    await h.command(alice, 'baskets/add-item', { basketId: 'life-b', sku: 'life', quantity: 1, warehouseId: 'wh-1' });
    const placed = await h.command(admin, 'baskets/check-out', {
      basketId: 'life-b',
      orderId: 'life-o',
      shipping: { minor: 100, currency: 'TRY' },
      payment: { external: { method: 'bank-transfer', reference: 'bt-1', captured: false } },
    });
    assert.equal(placed.statusCode, 200, placed.body);
    assert.equal(json(placed).confirmed, false);
    const wrongSum = await h.command(admin, 'orders/confirm-payment', { orderId: 'life-o', payments: [{ method: 'bank-transfer', amount: { minor: 1, currency: 'TRY' }, reference: 'bt-1' }] });
    assert.equal(wrongSum.statusCode, 422);
    assert.equal(json(wrongSum).type, `${PROBLEM}payment-amount-mismatch`);
    const confirmed = await h.command(admin, 'orders/confirm-payment', {
      orderId: 'life-o',
      payments: [{ method: 'bank-transfer', amount: { minor: 1100, currency: 'TRY' }, reference: 'bt-1' }],
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const shipped = await h.command(admin, 'orders/ship', { orderId: 'life-o', carrier: 'UPS', trackingNumber: '1Z' });
    assert.equal(shipped.statusCode, 200, shipped.body);
    const cancelTooLate = await h.command(alice, 'orders/cancel', { orderId: 'life-o', reason: 'late' });
    assert.equal(cancelTooLate.statusCode, 409);
    assert.equal(json(cancelTooLate).type, `${PROBLEM}order-not-cancellable`);
    const delivered = await h.command(admin, 'orders/deliver', { orderId: 'life-o' });
    assert.equal(delivered.statusCode, 200, delivered.body);
    assert.equal(json(delivered).revision, '3');
  });
});

describe('HTTP commands: infrastructure failures', () => {
  class FailingHandler extends CommandHandler {
    failure: Error = new Error('boom');
    override handle(): never {
      throw this.failure;
    }
  }
  let h: Harness;
  let failing: FailingHandler;
  let admin: string;
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });

  before(async () => {
    h = await createHarness({
      logger: pino({ level: 'info' }, sink),
      handler: (store) => {
        failing = new FailingHandler(store);
        return failing;
      },
    });
    admin = h.token('acme', 'admin-1', ['admin']);
  });
  after(() => h.close());

  const body = { sku: 'f-1', name: 'Pen', category: 'office', price: { minor: 250, currency: 'TRY' } };

  it('answers 409 concurrency-conflict when WrongExpectedRevisionError escapes the retries', async () => {
    failing.failure = new WrongExpectedRevisionError('product-acme:f-1', 0n, 1n);
    const response = await h.command(admin, 'products/register', body);
    assert.equal(response.statusCode, 409);
    assert.equal(json(response).type, `${PROBLEM}concurrency-conflict`);
  });

  it('answers 500 internal-error without leaking the error', async () => {
    failing.failure = new Error('connection to 10.0.0.5 failed: password=hunter2');
    const response = await h.command(admin, 'products/register', body);
    assert.equal(response.statusCode, 500);
    assert.equal(json(response).type, `${PROBLEM}internal-error`);
    assert.doesNotMatch(response.body, /hunter2|10\.0\.0\.5|stack/);
    const requestId = json(response).requestId;
    const logged = logLines.find((l) => l.reqId === requestId && l.level === 50);
    assert.ok(logged, 'the 500 is logged with its request id');
    assert.match(JSON.stringify(logged.err), /hunter2/, 'the log has the real error');
    // The process is still serving.
    assert.equal((await h.server.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });
});
