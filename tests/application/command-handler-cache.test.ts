/**
 * The command handler's stream cache: a command on a cached stream reads only the events
 * after the cached revision, and still decides on the stream as the store has it, also
 * when another handler (another instance of the service) wrote to it meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandHandler } from '../../src/application/command-handler.js';
import { WrongExpectedRevisionError } from '../../src/application/ports/event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { context, CountingStore, debit, wallet } from './fixtures/debit-wallet.js';

describe('command handler: stream cache', () => {
  let database: TestDatabase;
  let store: CountingStore;
  before(async () => {
    database = await createTestDatabase(10);
    store = new CountingStore(database.pool);
  });
  after(() => database.drop());

  it('reads only the events after the cached revision', async () => {
    const handler = new CommandHandler(store);
    for (let i = 0; i < 5; i++) await handler.handle(wallet, 'wallet-acme:tail', { type: 'Debit', data: { amount: 1 } }, context(`tail-${i}`));
    assert.deepEqual(store.reads.splice(0), [undefined, 1n, 2n, 3n, 4n], 'the first command reads the whole stream, each next one from the revision after its last');
    assert.equal((await handler.load(wallet, 'wallet-acme:tail')).state.balance, 95);
    assert.deepEqual(store.reads.splice(0), [5n]);
  });

  it('decides on what another instance appended since, not on its cached state', async () => {
    const a = new CommandHandler(store);
    const b = new CommandHandler(store);
    await a.handle(wallet, 'wallet-acme:shared', { type: 'Debit', data: { amount: 60 } }, context('a-1')); // a caches 40
    await b.handle(wallet, 'wallet-acme:shared', { type: 'Debit', data: { amount: 30 } }, context('b-1')); // 10 left
    await assert.rejects(a.handle(wallet, 'wallet-acme:shared', { type: 'Debit', data: { amount: 20 } }, context('a-2')), /insufficient funds: 10 left/);
    const events = await store.readStream('wallet-acme:shared');
    assert.deepEqual(events.map((e) => e.data), [{ amount: 60, balance: 40 }, { amount: 30, balance: 10 }]);
  });

  it('answers a repeat of a command older than the cached revision with its original result', async () => {
    const handler = new CommandHandler(store);
    const original = await handler.handle(wallet, 'wallet-acme:old', { type: 'Debit', data: { amount: 70 } }, context('old-1'));
    await handler.handle(wallet, 'wallet-acme:old', { type: 'Debit', data: { amount: 10 } }, context('old-2'));
    // Decided on the cached state (20 left) the repeat would be refused; it is the original debit.
    assert.deepEqual(await handler.handle(wallet, 'wallet-acme:old', { type: 'Debit', data: { amount: 70 } }, context('old-1')), original);
    // And a repeat the cached state would accept is not appended twice.
    assert.deepEqual(
      (await handler.handle(wallet, 'wallet-acme:old', { type: 'Debit', data: { amount: 10 } }, context('old-2'))).events,
      [{ type: 'Debited', data: { amount: 10, balance: 20 } }],
    );
    assert.equal((await store.readStream('wallet-acme:old')).length, 2);
  });

  it('answers a repeat pinned to the revision the first attempt expected with its original result', async () => {
    // As two concurrent checkouts with one command id: the first appends and caches the stream
    // at the new revision; the repeat, pinned to the old one, is the same command, not a conflict.
    const handler = new CommandHandler(store);
    await handler.handle(wallet, 'wallet-acme:pinned', debit(5), context('pinned-0'));
    const original = await handler.handle(wallet, 'wallet-acme:pinned', debit(30), context('pinned-1'), { expectedRevision: 0n });
    assert.deepEqual(await handler.handle(wallet, 'wallet-acme:pinned', debit(30), context('pinned-1'), { expectedRevision: 0n }), original);
    // Another command pinned to a stale revision is still refused.
    await assert.rejects(handler.handle(wallet, 'wallet-acme:pinned', debit(1), context('pinned-2'), { expectedRevision: 0n }), WrongExpectedRevisionError);
    assert.equal((await store.readStream('wallet-acme:pinned')).length, 2);
  });

  it('keeps at most cachedStreams streams (least recently used dropped)', async () => {
    const handler = new CommandHandler(store, { cachedStreams: 2 });
    for (const s of ['lru-1', 'lru-2', 'lru-3']) await handler.handle(wallet, `wallet-acme:${s}`, { type: 'Debit', data: { amount: 1 } }, context(s));
    store.reads.splice(0);
    await handler.load(wallet, 'wallet-acme:lru-3');
    await handler.load(wallet, 'wallet-acme:lru-1');
    assert.deepEqual(store.reads, [1n, undefined], 'lru-3 read from its cached revision, lru-1 (dropped) in full');
  });
});
