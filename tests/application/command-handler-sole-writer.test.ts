/**
 * The command handler as the sole writer of its streams (`soleWriter`, the importer's
 * `CachingCommandHandler`): a cached stream is trusted without reading, yet a write by
 * another instance is never overwritten (the append's expected revision fails, the entry
 * is dropped, the command runs again on the stream read afresh), and repeats of earlier
 * commands still return their original result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandHandler } from '../../src/application/command-handler.js';
import { WrongExpectedRevisionError } from '../../src/application/ports/event-store.js';
import { CachingCommandHandler } from '../../src/infrastructure/import/online-retail/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { context, CountingStore, debit, wallet } from './fixtures/debit-wallet.js';

describe('command handler: sole writer', () => {
  let database: TestDatabase;
  let store: CountingStore;
  before(async () => {
    database = await createTestDatabase(10);
    store = new CountingStore(database.pool);
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  const balances = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.data.balance);

  it('reads a stream once, then commands and loads it from the cache without reading', async () => {
    const handler = new CommandHandler(store, { soleWriter: true });
    store.reads.splice(0);
    for (let i = 0; i < 4; i++) await handler.handle(wallet, 'wallet-acme:sole-tail', debit(1), context(`sole-tail-${i}`));
    assert.equal((await handler.load(wallet, 'wallet-acme:sole-tail')).state.balance, 96);
    assert.deepEqual(store.reads.splice(0), [undefined], 'only the first command read (the whole stream)');
    assert.equal(handler.eventsAppended, 4);
  });

  it('given another instance wrote to the stream, then the next command fails on the expected revision instead of deciding on the stale state, and the one after it succeeds on the stream read afresh', async () => {
    const sole = new CommandHandler(store, { soleWriter: true, retries: 0 });
    const other = new CommandHandler(store);
    await sole.handle(wallet, 'wallet-acme:sole-moved', debit(60), context('sole-moved-1')); // caches 40
    await other.handle(wallet, 'wallet-acme:sole-moved', debit(30), context('sole-moved-2')); // 10 left
    await assert.rejects(sole.handle(wallet, 'wallet-acme:sole-moved', debit(5), context('sole-moved-3')), (error: unknown) => {
      assert.ok(error instanceof WrongExpectedRevisionError);
      assert.deepEqual([error.expected, error.actual], [0n, 1n]);
      return true;
    });
    assert.deepEqual(await balances('wallet-acme:sole-moved'), [40, 10], 'nothing appended on the stale state (35)');
    store.reads.splice(0);
    const next = await sole.handle(wallet, 'wallet-acme:sole-moved', debit(5), context('sole-moved-4'));
    assert.deepEqual(store.reads.splice(0), [undefined], 'the dropped entry is read whole');
    assert.deepEqual(next.events, [{ type: 'Debited', data: { amount: 5, balance: 5 } }]);
    assert.deepEqual(await balances('wallet-acme:sole-moved'), [40, 10, 5]);
  });

  it('given another instance wrote to the stream, then with retries the command runs again on the stream read afresh', async () => {
    const sole = new CommandHandler(store, { soleWriter: true });
    const other = new CommandHandler(store);
    await sole.handle(wallet, 'wallet-acme:sole-retry', debit(60), context('sole-retry-1')); // caches 40
    await other.handle(wallet, 'wallet-acme:sole-retry', debit(30), context('sole-retry-2')); // 10 left
    await assert.rejects(sole.handle(wallet, 'wallet-acme:sole-retry', debit(20), context('sole-retry-3')), /insufficient funds: 10 left/);
    assert.deepEqual((await sole.handle(wallet, 'wallet-acme:sole-retry', debit(10), context('sole-retry-4'))).events, [
      { type: 'Debited', data: { amount: 10, balance: 0 } },
    ]);
    assert.deepEqual(await balances('wallet-acme:sole-retry'), [40, 10, 0]);
  });

  it('checks a pinned expected revision the cached one does not match against the store', async () => {
    const sole = new CommandHandler(store, { soleWriter: true });
    const other = new CommandHandler(store);
    await sole.handle(wallet, 'wallet-acme:sole-pinned', debit(60), context('sole-pinned-1')); // caches revision 0
    await other.handle(wallet, 'wallet-acme:sole-pinned', debit(30), context('sole-pinned-2')); // revision 1, as the caller saw it
    const result = await sole.handle(wallet, 'wallet-acme:sole-pinned', debit(10), context('sole-pinned-3'), { expectedRevision: 1n });
    assert.equal(result.revision, 2n);
    await assert.rejects(
      sole.handle(wallet, 'wallet-acme:sole-pinned', debit(1), context('sole-pinned-4'), { expectedRevision: 1n }),
      (error: unknown) => error instanceof WrongExpectedRevisionError && error.actual === 2n,
    );
  });

  it('answers a repeat of a command older than the cached revision with its original result, appending nothing', async () => {
    const handler = new CommandHandler(store, { soleWriter: true });
    const original = await handler.handle(wallet, 'wallet-acme:sole-old', debit(70), context('sole-old-1'));
    await handler.handle(wallet, 'wallet-acme:sole-old', debit(10), context('sole-old-2'));
    assert.deepEqual(await handler.handle(wallet, 'wallet-acme:sole-old', debit(70), context('sole-old-1')), original, 'the cached state (20 left) would refuse it');
    assert.deepEqual((await handler.handle(wallet, 'wallet-acme:sole-old', debit(10), context('sole-old-2'))).events, [
      { type: 'Debited', data: { amount: 10, balance: 20 } },
    ]);
    assert.deepEqual(await balances('wallet-acme:sole-old'), [30, 20]);
    assert.equal(handler.eventsAppended, 2, 'repeats append nothing');
  });

  it('forget drops a stream: the next load reads it whole (the importer, CachingCommandHandler)', async () => {
    const handler = new CachingCommandHandler(store);
    await handler.handle(wallet, 'wallet-acme:sole-forget', debit(1), context('sole-forget-1'));
    store.reads.splice(0);
    await handler.load(wallet, 'wallet-acme:sole-forget');
    handler.forget('wallet-acme:sole-forget');
    assert.equal((await handler.load(wallet, 'wallet-acme:sole-forget')).state.balance, 99);
    assert.deepEqual(store.reads, [undefined], 'no read while cached, the whole stream once forgotten');
    assert.equal(handler.eventsWritten, 1);
  });
});
