/**
 * Deterministic event ids: a command handled again with the same command id (a retried
 * HTTP request with the same Idempotency-Key) appends nothing and returns the original
 * result, also when the repeats run concurrently.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandHandler, commandEventId } from '../../src/application/command-handler.js';
import type { CommandContext } from '../../src/application/command-context.js';
import type { Decider } from '../../src/domain/shared/index.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

type Debit = { type: 'Debit'; data: { amount: number } };
type Debited = { type: 'Debited'; data: { amount: number; balance: number } };

/** A wallet that starts with 100 and may not go below 0. */
const wallet: Decider<Debit, Debited, { balance: number }> = {
  initialState: { balance: 100 },
  evolve: (state, event) => ({ balance: event.data.balance }),
  decide: (command, state) => {
    if (state.balance < command.data.amount) throw new Error('insufficient funds');
    return [{ type: 'Debited', data: { amount: command.data.amount, balance: state.balance - command.data.amount } }];
  },
};

const context = (commandId: string): CommandContext => ({
  tenantId: 'acme',
  actor: 'user:u1',
  correlationId: commandId,
  commandId,
  occurredAt: '2024-01-01T10:00:00.000+03:00',
});

describe('command handler: deterministic event ids', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let handler: CommandHandler;
  before(async () => {
    database = await createTestDatabase(30);
    store = new PostgresEventStore(database.pool);
    handler = new CommandHandler(store, { retries: 20 });
  });
  after(() => database.drop());

  it('derives the same UUID v5 from the same command, stream and index', () => {
    const id = commandEventId('cmd-1', 'wallet-acme:1', 0);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(commandEventId('cmd-1', 'wallet-acme:1', 0), id);
    assert.notEqual(commandEventId('cmd-1', 'wallet-acme:1', 1), id);
    assert.notEqual(commandEventId('cmd-1', 'wallet-acme:2', 0), id);
    assert.notEqual(commandEventId('cmd-2', 'wallet-acme:1', 0), id);
  });

  it('a retried command returns the original result and debits once', async () => {
    const first = await handler.handle(wallet, 'wallet-acme:retry', { type: 'Debit', data: { amount: 60 } }, context('key-1'));
    const again = await handler.handle(wallet, 'wallet-acme:retry', { type: 'Debit', data: { amount: 60 } }, context('key-1'));
    assert.deepEqual(again, first);
    const events = await store.readStream('wallet-acme:retry');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.eventId, commandEventId('key-1', 'wallet-acme:retry', 0));
    // A different command id is a different debit (and here, refused: 40 left).
    await assert.rejects(handler.handle(wallet, 'wallet-acme:retry', { type: 'Debit', data: { amount: 60 } }, context('key-2')), /insufficient/);
  });

  it('the same command sent 50 times concurrently has one effect and one answer', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => handler.handle(wallet, 'wallet-acme:storm', { type: 'Debit', data: { amount: 30 } }, context('key-storm'))),
    );
    const events = await store.readStream('wallet-acme:storm');
    assert.deepEqual(events.map((e) => e.data), [{ amount: 30, balance: 70 }]);
    for (const outcome of outcomes) {
      assert.equal(outcome.revision, 0n);
      assert.deepEqual(outcome.position, events[0]!.position);
      assert.deepEqual(outcome.events, [{ type: 'Debited', data: { amount: 30, balance: 70 } }]);
    }
  });

  it('a repeat after other commands still returns the original result', async () => {
    const original = await handler.handle(wallet, 'wallet-acme:later', { type: 'Debit', data: { amount: 10 } }, context('key-a'));
    await handler.handle(wallet, 'wallet-acme:later', { type: 'Debit', data: { amount: 10 } }, context('key-b'));
    const repeat = await handler.handle(wallet, 'wallet-acme:later', { type: 'Debit', data: { amount: 10 } }, context('key-a'));
    assert.deepEqual(repeat, original);
    assert.equal((await store.readStream('wallet-acme:later')).length, 2);
  });
});
