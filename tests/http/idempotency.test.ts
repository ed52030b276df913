import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { claimIdempotencyKey, pruneIdempotencyKeys, startIdempotencyKeyPruner } from '../../src/infrastructure/http/idempotency.js';
import { HttpProblem } from '../../src/infrastructure/http/problems.js';
import { createHarness, json, PROBLEM, type Harness } from './harness.js';

describe('HTTP idempotency keys: retention (IDEMPOTENCY_KEY_TTL_HOURS, default 24)', () => {
  let h: Harness;
  let admin: string;
  const credit = (customerId: string, minor: number) => ({ customerId, amount: { minor, currency: 'TRY' }, reason: 'top-up', reference: `r-${customerId}` });
  /** Moves a key's first use `hours` into the past. */
  const age = (key: string, hours: number) =>
    sql`update idempotency_keys set first_seen_at = now() - make_interval(hours => ${hours}) where idempotency_key = ${key}`.execute(h.database.db);
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

    await age('ttl-1', 25);
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
    await age('ttl-2', 3);
    await assert.rejects(claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-b', 4), (e: unknown) => e instanceof HttpProblem && e.problem.type === `${PROBLEM}idempotency-key-reused`);
    await claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-b', 2); // expired after 2 hours: request-b's now
    await assert.rejects(claimIdempotencyKey(h.database.db, 'acme', 'ttl-2', 'request-a', 2), HttpProblem);
  });

  it('pruneIdempotencyKeys deletes every tenant’s keys older than N hours and no younger one', async () => {
    await claimIdempotencyKey(h.database.db, 'acme', 'old', 'x');
    await claimIdempotencyKey(h.database.db, 'globex', 'old', 'x');
    await claimIdempotencyKey(h.database.db, 'acme', 'young', 'x');
    await age('old', 49);
    await age('young', 47);
    const before = await keys();
    const { pruned } = await pruneIdempotencyKeys(h.database.db, 48);
    assert.equal(pruned, 2);
    assert.deepEqual(await keys(), before.filter((k) => !k.endsWith(':old')));
    assert.ok((await keys()).includes('acme:young'));
  });

  it('the service’s pruner removes the expired keys as it starts (then every hour)', async () => {
    await claimIdempotencyKey(h.database.db, 'acme', 'stale', 'x');
    await claimIdempotencyKey(h.database.db, 'acme', 'fresh', 'x');
    await age('stale', 25);
    const pruner = startIdempotencyKeyPruner({ db: h.database.db, ttlHours: 24, logger: pino({ level: 'silent' }) });
    await pruner.stop(); // waits for the prune in progress
    const left = await keys();
    assert.ok(!left.includes('acme:stale') && left.includes('acme:fresh'), left.join());
  });
});
