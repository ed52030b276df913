import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { claimIdempotencyKey, pruneIdempotencyKeys, startIdempotencyKeyPruner } from '../../src/infrastructure/http/idempotency.js';
import { HttpProblem } from '../../src/infrastructure/http/problems.js';
import { commandOk, createHarness, json, PROBLEM, seedProduct, type Harness } from './harness.js';

/** Moves a key's first use `hours` into the past. */
const age = (h: Harness, key: string, hours: number) =>
  sql`update idempotency_keys set first_seen_at = now() - make_interval(hours => ${hours}) where idempotency_key = ${key}`.execute(h.database.db);

describe('HTTP idempotency keys: retention (IDEMPOTENCY_KEY_TTL_HOURS, default 24)', () => {
  let h: Harness;
  let admin: string;
  const credit = (customerId: string, minor: number) => ({ customerId, amount: { minor, currency: 'TRY' }, reason: 'top-up', reference: `r-${customerId}` });
  const keys = async () => (await sql<{ k: string }>`select tenant_id || ':' || idempotency_key as k from idempotency_keys order by 1`.execute(h.database.db)).rows.map((r) => r.k);

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    for (const customerId of ['keep-1', 'keep-2']) await h.command(admin, 'wallets/open', { customerId, currency: 'TRY' });
  });
  after(() => h.close());

  it('a key first used more than 24 hours ago is a new request: sent with another request, that request runs', async () => {
    const key = { 'idempotency-key': 'ttl-1' };
    assert.equal((await h.command(admin, 'wallets/credit', credit('keep-1', 500), key)).statusCode, 200);
    const reused = await h.command(admin, 'wallets/credit', credit('keep-2', 700), key);
    assert.equal(reused.statusCode, 422, 'within 24 hours the key is still the first request’s');
    assert.equal(json(reused).type, `${PROBLEM}idempotency-key-reused`);

    await age(h, 'ttl-1', 25);
    const before = await h.eventCount();
    const renewed = await h.command(admin, 'wallets/credit', credit('keep-2', 700), key);
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal(json(renewed).streamId, 'wallet-acme:keep-2');
    assert.equal(await h.eventCount(), before + 1);
    // The key now belongs to this request: a retry is answered as it was, the old request is refused.
    const retried = await h.command(admin, 'wallets/credit', credit('keep-2', 700), key);
    assert.deepEqual(json(retried), json(renewed));
    assert.equal(await h.eventCount(), before + 1);
    assert.equal((await h.command(admin, 'wallets/credit', credit('keep-1', 500), key)).statusCode, 422);
  });

  it('the lookup honours the TTL it is given', async () => {
    await claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-a', 2);
    await age(h, 'ttl-2', 3);
    await assert.rejects(claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-b', 4), (e: unknown) => e instanceof HttpProblem && e.problem.type === `${PROBLEM}idempotency-key-reused`);
    await claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-b', 2); // expired after 2 hours: request-b's now
    await assert.rejects(claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-a', 2), HttpProblem);
  });

  it('pruneIdempotencyKeys deletes every tenant’s keys older than N hours and no younger one', async () => {
    await claimIdempotencyKey(h.database.db, 'acme', 'old', 'x');
    await claimIdempotencyKey(h.database.db, 'globex', 'old', 'x');
    await claimIdempotencyKey(h.database.db, 'acme', 'young', 'x');
    await age(h, 'old', 49);
    await age(h, 'young', 47);
    const before = await keys();
    const { pruned } = await pruneIdempotencyKeys(h.database.db, 48);
    assert.equal(pruned, 2);
    assert.deepEqual(await keys(), before.filter((k) => !k.endsWith(':old')));
    assert.ok((await keys()).includes('acme:young'));
  });

  it('the service’s pruner removes the expired keys as it starts (then every hour)', async () => {
    await claimIdempotencyKey(h.database.db, 'acme', 'stale', 'x');
    await claimIdempotencyKey(h.database.db, 'acme', 'fresh', 'x');
    await age(h, 'stale', 25);
    const pruner = startIdempotencyKeyPruner({ db: h.database.db, ttlHours: 24, logger: pino({ level: 'silent' }) });
    await pruner.stop(); // waits for the prune in progress
    const left = await keys();
    assert.ok(!left.includes('acme:stale') && left.includes('acme:fresh'), left.join());
  });
});

describe('HTTP idempotency keys: a retry is answered with the first answer', () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  const TRY = (minor: number) => ({ minor, currency: 'TRY' });
  const REPLAYED = 'idempotent-replayed';
  /** The problem without its `requestId`, which names each HTTP request. */
  const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
  });
  after(() => h.close());

  /** An order of alice's for one `sku` (1,000 TRY), awaiting its card payment. */
  const awaitingCard = async (sku: string, orderId: string) => {
    await seedProduct(h, admin, { sku, minor: 1_000, stock: 5 });
    await commandOk(h, alice, 'baskets/open', { basketId: `b-${orderId}`, customerId: 'alice', currency: 'TRY' });
    await commandOk(h, alice, 'baskets/add-item', { basketId: `b-${orderId}`, sku, quantity: 1, warehouseId: 'wh-1' });
    const checkedOut = await commandOk(h, alice, 'baskets/check-out', { basketId: `b-${orderId}`, orderId, payment: { external: { method: 'card', reference: `psp-${orderId}`, captured: false } } });
    return { orderId, method: 'card', reference: `psp-${orderId}`, amount: checkedOut.total, outcome: 'captured' };
  };

  it('a stored 409 is replayed: the adjustment refused for want of stock stays refused after stock arrives, and appends nothing', async () => {
    await seedProduct(h, admin, { sku: 'adj-1', minor: 100 });
    const adjust = { sku: 'adj-1', warehouseId: 'w', quantity: -5, reason: 'damaged', reference: 'k' };
    const key = { 'idempotency-key': 'adjust-once' };
    const first = await h.command(admin, 'stock/adjust', adjust, key);
    assert.equal(first.statusCode, 409, first.body);
    assert.equal(json(first).type, `${PROBLEM}insufficient-stock`);
    assert.equal(first.headers[REPLAYED], undefined);
    await commandOk(h, admin, 'stock/receive', { sku: 'adj-1', warehouseId: 'w', quantity: 10, reference: 'po-2' });
    const before = await h.eventCount();

    const retried = await h.command(admin, 'stock/adjust', adjust, key);
    assert.equal(retried.statusCode, 409, retried.body);
    assert.match(String(retried.headers['content-type']), /^application\/problem\+json/);
    assert.equal(retried.headers[REPLAYED], 'true');
    assert.deepEqual(withoutRequestId(json(retried)), withoutRequestId(json(first)));
    assert.equal(await h.eventCount(), before, 'the retry appended StockAdjusted');
    // The same adjustment under a new key is a new command, and now runs.
    assert.equal((await h.command(admin, 'stock/adjust', adjust, { 'idempotency-key': 'adjust-again' })).statusCode, 200);
  });

  it('record-payment retried after the order shipped answers the first answer (revision, status, position) and appends nothing', async () => {
    const payment = await awaitingCard('pay-1', 'o-pay-1');
    const key = { 'idempotency-key': 'pay-once' };
    const first = await h.command(admin, 'orders/record-payment', payment, key);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(json(first).status, 'confirmed');
    await commandOk(h, admin, 'orders/ship', { orderId: 'o-pay-1' });
    const before = await h.eventCount();

    const retried = await h.command(admin, 'orders/record-payment', payment, key);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal(retried.headers[REPLAYED], 'true');
    assert.deepEqual(json(retried), json(first));
    assert.equal(await h.eventCount(), before);
  });

  it('concurrent retries append once; once answered, every retry gets that answer', async () => {
    const payment = await awaitingCard('pay-2', 'o-pay-2');
    const key = { 'idempotency-key': 'pay-concurrently' };
    const before = await h.eventCount();
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.command(admin, 'orders/record-payment', payment, key)));
    assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [200], answers.map((a) => a.body).join());
    for (const answer of answers) assert.deepEqual(json(answer), json(answers[0]!));
    const once = await h.eventCount();
    const payments = (await h.store.readStream('order-acme:o-pay-2')).filter((e) => e.type === 'OrderPaymentCaptured');
    assert.equal(payments.length, 1);
    assert.ok(once > before);

    await commandOk(h, admin, 'orders/ship', { orderId: 'o-pay-2' });
    const shipped = await h.eventCount();
    const retries = await Promise.all(Array.from({ length: 5 }, () => h.command(admin, 'orders/record-payment', payment, key)));
    for (const retry of retries) {
      assert.equal(retry.headers[REPLAYED], 'true');
      assert.deepEqual(json(retry), json(answers[0]!));
    }
    assert.equal(await h.eventCount(), shipped);
  });

  it('an expired key sent with another request on the stream its first request appended to runs as a new command', async () => {
    await h.command(admin, 'wallets/open', { customerId: 'exp-1', currency: 'TRY' });
    const key = { 'idempotency-key': 'credit-expiring' };
    const first = await h.command(admin, 'wallets/credit', { customerId: 'exp-1', amount: TRY(500), reason: 'top-up', reference: 'r-1' }, key);
    assert.equal(first.statusCode, 200, first.body);
    await age(h, 'credit-expiring', 25);
    const before = await h.eventCount();

    const second = await h.command(admin, 'wallets/credit', { customerId: 'exp-1', amount: TRY(700), reason: 'top-up', reference: 'r-2' }, key);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.headers[REPLAYED], undefined);
    assert.notEqual(json(second).revision, json(first).revision);
    const credits = (await h.store.readStream('wallet-acme:exp-1')).filter((e) => e.type === 'WalletCredited');
    assert.deepEqual(credits.map((e) => (e.data.amount as { minor: number }).minor), [500, 700]);
    assert.equal(await h.eventCount(), before + 1);
  });
});
