import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSigner } from 'fast-jwt';
import { InvalidTokenError, mintToken, verifyToken } from '../../src/infrastructure/http/auth.js';
import { createHarness, json, seedProduct, TEST_SECRET, type Harness } from './harness.js';

const PROBLEM = 'https://commerce-core.dev/problems/';

describe('HTTP auth', () => {
  let h: Harness;
  let admin: string;
  let alice: string;
  let bob: string;

  before(async () => {
    h = await createHarness();
    admin = h.token('acme', 'admin-1', ['admin']);
    alice = h.token('acme', 'alice', ['customer']);
    bob = h.token('acme', 'bob', ['customer']);
  });
  after(() => h.close());

  function sign(claims: Record<string, unknown>, options: { key?: string; iss?: string; expiresIn?: number; clockTimestamp?: number } = {}): string {
    const signer = createSigner({
      key: options.key ?? TEST_SECRET,
      algorithm: 'HS256',
      ...(options.iss === undefined ? { iss: h.config.jwtIssuer } : options.iss === '' ? {} : { iss: options.iss }),
      aud: h.config.jwtAudience,
      ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
      ...(options.clockTimestamp === undefined ? {} : { clockTimestamp: options.clockTimestamp }),
    });
    return signer(claims);
  }

  const claims = { sub: 'admin-1', tenant: 'acme', roles: ['admin'] };
  const register = { sku: 'auth-1', name: 'Book', category: 'books', price: { minor: 1000, currency: 'TRY' } };

  it('GET /health is public', async () => {
    const response = await h.server.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { status: 'ok' });
  });

  it('answers 401 unauthenticated without a token, on commands and queries, appending nothing', async () => {
    const before = await h.eventCount();
    const command = await h.server.inject({ method: 'POST', url: '/commands/products/register', payload: register });
    assert.equal(command.statusCode, 401);
    assert.match(String(command.headers['content-type']), /^application\/problem\+json/);
    assert.equal(json(command).type, `${PROBLEM}unauthenticated`);
    assert.equal(json(command).status, 401);
    assert.match(String(command.headers['www-authenticate']), /^Bearer/);
    const query = await h.server.inject({ method: 'GET', url: '/queries/catalogue' });
    assert.equal(query.statusCode, 401);
    assert.equal(await h.eventCount(), before);
  });

  it('answers 401 for malformed, forged, wrong-issuer, issuer-less, expired and exp-less tokens', async () => {
    const before = await h.eventCount();
    const bad = {
      garbage: 'not-a-jwt',
      forged: sign(claims, { key: 'another-secret-another-secret-0123456', expiresIn: 60_000 }),
      wrongIssuer: sign(claims, { iss: 'someone-else', expiresIn: 60_000 }),
      noIssuer: sign(claims, { iss: '', expiresIn: 60_000 }),
      expired: sign(claims, { expiresIn: 60_000, clockTimestamp: Date.now() - 3_600_000 }),
      noExp: sign(claims),
      badTenant: sign({ ...claims, tenant: 'ACME' }, { expiresIn: 60_000 }),
      rolesNotArray: sign({ ...claims, roles: 'admin' }, { expiresIn: 60_000 }),
    };
    for (const [name, token] of Object.entries(bad)) {
      const response = await h.command(token, 'products/register', register);
      assert.equal(response.statusCode, 401, name);
      assert.equal(json(response).type, `${PROBLEM}unauthenticated`, name);
      assert.match(String(response.headers['www-authenticate']), /invalid_token/, name);
    }
    const expired = await h.command(bad.expired, 'products/register', register);
    assert.match(String(json(expired).detail), /expired/);
    const basic = await h.server.inject({ method: 'GET', url: '/queries/catalogue', headers: { authorization: 'Basic YWxhZGRpbjpvcGVu' } });
    assert.equal(basic.statusCode, 401);
    assert.equal(await h.eventCount(), before);
  });

  it('a token signed by hand with the right claims works (not only mintToken)', async () => {
    const token = sign(claims, { expiresIn: 60_000 });
    const response = await h.query(token, 'catalogue');
    assert.equal(response.statusCode, 200);
  });

  it('answers 403 forbidden to a customer on every admin route, appending nothing', async () => {
    const before = await h.eventCount();
    const adminOnly = [
      'products/register',
      'products/change-price',
      'stock/receive',
      'wallets/open',
      'wallets/credit',
      'orders/confirm-payment',
      'orders/ship',
      'orders/deliver',
    ];
    for (const path of adminOnly) {
      const response = await h.command(alice, path, {});
      assert.equal(response.statusCode, 403, path);
      assert.equal(json(response).type, `${PROBLEM}forbidden`, path);
    }
    assert.equal(await h.eventCount(), before);
  });

  it('answers 403 to a token with no known role, on commands and queries', async () => {
    const nobody = sign({ sub: 'x', tenant: 'acme', roles: ['auditor'] }, { expiresIn: 60_000 });
    assert.equal((await h.query(nobody, 'catalogue')).statusCode, 403);
    assert.equal((await h.command(nobody, 'baskets/open', { customerId: 'x', currency: 'TRY' })).statusCode, 403);
  });

  it('a customer may open a basket only for themself', async () => {
    const before = await h.eventCount();
    const forOther = await h.command(alice, 'baskets/open', { customerId: 'bob', currency: 'TRY' });
    assert.equal(forOther.statusCode, 403);
    assert.equal(await h.eventCount(), before);
    const own = await h.command(alice, 'baskets/open', { basketId: 'alice-b1', customerId: 'alice', currency: 'TRY' });
    assert.equal(own.statusCode, 200);
    assert.equal(json(own).basketId, 'alice-b1');
  });

  it("answers 403 to a customer on another customer's basket and order, and lets admins act for anyone", async () => {
    await seedProduct(h, admin, { sku: 'own-1', minor: 500, stock: 10 });
    const opened = await h.command(bob, 'baskets/open', { basketId: 'bob-b1', customerId: 'bob', currency: 'TRY' });
    assert.equal(opened.statusCode, 200);
    assert.equal((await h.command(bob, 'baskets/add-item', { basketId: 'bob-b1', sku: 'own-1', quantity: 1, warehouseId: 'wh-1' })).statusCode, 200);

    const before = await h.eventCount();
    const attempts: [string, object][] = [
      ['baskets/add-item', { basketId: 'bob-b1', sku: 'own-1', quantity: 1, warehouseId: 'wh-1' }],
      ['baskets/remove-item', { basketId: 'bob-b1', sku: 'own-1' }],
      ['baskets/change-quantity', { basketId: 'bob-b1', sku: 'own-1', quantity: 3 }],
      ['baskets/check-out', { basketId: 'bob-b1', payment: { external: { method: 'card', reference: 'c', captured: false } } }],
    ];
    for (const [path, body] of attempts) {
      const response = await h.command(alice, path, body);
      assert.equal(response.statusCode, 403, path);
      assert.equal(json(response).type, `${PROBLEM}forbidden`, path);
    }
    assert.equal(await h.eventCount(), before);

    // An admin of the tenant acts on bob's basket.
    const byAdmin = await h.command(admin, 'baskets/change-quantity', { basketId: 'bob-b1', sku: 'own-1', quantity: 2 });
    assert.equal(byAdmin.statusCode, 200);

    const checkedOut = await h.command(bob, 'baskets/check-out', {
      basketId: 'bob-b1',
      orderId: 'bob-o1',
      payment: { external: { method: 'card', reference: 'c-1', captured: false } },
    });
    assert.equal(checkedOut.statusCode, 200, checkedOut.body);
    const beforeCancel = await h.eventCount();
    const cancelByAlice = await h.command(alice, 'orders/cancel', { orderId: 'bob-o1', reason: 'mine now' });
    assert.equal(cancelByAlice.statusCode, 403);
    assert.equal(await h.eventCount(), beforeCancel);
    const cancelByBob = await h.command(bob, 'orders/cancel', { orderId: 'bob-o1', reason: 'changed my mind' });
    assert.equal(cancelByBob.statusCode, 200, cancelByBob.body);
  });

  it('the tenant comes only from the token: the same SKU in another tenant is another product', async () => {
    const otherAdmin = h.token('globex', 'admin-9', ['admin']);
    await seedProduct(h, admin, { sku: 'shared-sku', minor: 100 });
    const again = await h.command(otherAdmin, 'products/register', { sku: 'shared-sku', name: 'Other', category: 'toys', price: { minor: 200, currency: 'BRL' } });
    assert.equal(again.statusCode, 200, again.body);
    assert.match(String(json(again).streamId), /^product-globex:shared-sku$/);
  });

  it('answers 404 not-found problems for unknown routes (a wrong method is 405: input-hardening.test.ts)', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['GET', '/commands/products/delete'],
      ['POST', '/queries/nope'],
      ['POST', '/commands/products/delete'],
    ] as const) {
      const response = await h.server.inject({ method, url, headers: { authorization: `Bearer ${admin}` } });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(json(response).type, `${PROBLEM}not-found`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    }
  });

  it('mintToken and verifyToken round-trip, and mintToken refuses bad input', () => {
    const token = mintToken(h.config, { tenantId: 'acme', subject: 'carol', roles: ['customer', 'admin'], expiresInSeconds: 60 });
    assert.deepEqual(verifyToken(h.config, token), { subject: 'carol', tenantId: 'acme', roles: ['customer', 'admin'] });
    assert.throws(() => verifyToken({ ...h.config, jwtIssuer: 'other' }, token), InvalidTokenError);
    assert.throws(() => mintToken(h.config, { tenantId: 'Bad Tenant', subject: 'x', roles: [], expiresInSeconds: 60 }));
    assert.throws(() => mintToken(h.config, { tenantId: 'acme', subject: 'x', roles: [], expiresInSeconds: 0 }));
    assert.throws(() => mintToken(h.config, { tenantId: 'acme', subject: 'x', roles: ['root' as never], expiresInSeconds: 60 }));
    assert.throws(() => mintToken(h.config, { tenantId: 'acme', subject: 'x', roles: [], expiresInSeconds: 60 }), /at least one role is needed/, 'a token no route accepts');
    assert.throws(() => mintToken(h.config, { tenantId: 'acme', subject: 'x', roles: ['admin'], expiresInSeconds: 999_999_999_999 }), /from 1 to 31536000/);
  });
});
