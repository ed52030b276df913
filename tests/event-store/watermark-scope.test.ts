/**
 * The gap-safe watermark of `$all` (migration 0009) is held back by open transactions of
 * this database only: a transaction holding an xid in another database of the same server
 * cannot write this database's events, so readers, the projections' lag and the watermark
 * metric ignore it. A transaction of this database still holds it, even one that has not
 * written an event yet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { START } from '../../src/application/ports/event-store.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { eventsAfter } from '../../src/projections/status.js';
import { newEvent } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Opens a transaction on `pool` that holds an xid, and returns its client and backend pid. */
async function openTransactionWithXid(pool: pg.Pool): Promise<{ client: pg.PoolClient; pid: number }> {
  const client = await pool.connect();
  await client.query('begin');
  const { rows } = await client.query<{ pid: number }>('select pg_current_xact_id(), pg_backend_pid() as pid');
  return { client, pid: rows[0]!.pid };
}

async function closeTransaction(open: { client: pg.PoolClient }): Promise<void> {
  await open.client.query('rollback');
  open.client.release();
}

describe('the watermark of $all', () => {
  let database: TestDatabase;
  let other: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    database = await createTestDatabase(5);
    other = await createTestDatabase(2);
    store = new PostgresEventStore(database.pool);
  });
  after(async () => {
    await store.close();
    await database.drop();
    await other.drop();
  });

  it('is not held back by a transaction open in another database of the server', async () => {
    const elsewhere = await openTransactionWithXid(other.pool);
    try {
      const { position } = await store.appendToStream('scope-acme:1', [newEvent('AfterOtherDatabaseBegan')], { expectedRevision: 'any' });
      const read = await store.readAll({ after: START, maxCount: 100 });
      assert.deepEqual(read.map((e) => e.type), ['AfterOtherDatabaseBegan'], 'readers waited for another database');
      assert.deepEqual(read[0]!.position, position);
      assert.equal((await eventsAfter(database.db, START)).count, 1, 'the projections count the event as not yet readable');
      const lag = await store.watermarkLag();
      assert.equal(lag.heldBackEvents, 0);
      assert.notEqual(lag.holder?.pid, elsewhere.pid, 'the metric names a backend of another database as the holder');
    } finally {
      await closeTransaction(elsewhere);
    }
  });

  it('is held back by a transaction of this database, even one that wrote no event yet', async () => {
    const before = (await store.readAll({ after: START, maxCount: 100 })).at(-1)?.position ?? START;
    const here = await openTransactionWithXid(database.pool);
    try {
      await store.appendToStream('scope-acme:2', [newEvent('AfterThisDatabaseBegan')], { expectedRevision: 'any' });
      assert.deepEqual(await store.readAll({ after: before, maxCount: 100 }), [], 'an event was readable past an open transaction of this database');
      assert.equal((await eventsAfter(database.db, before)).count, 0);
      const lag = await store.watermarkLag();
      assert.equal(lag.heldBackEvents, 1);
      assert.equal(lag.holder?.pid, here.pid);
    } finally {
      await closeTransaction(here);
    }
    assert.deepEqual((await store.readAll({ after: before, maxCount: 100 })).map((e) => e.type), ['AfterThisDatabaseBegan']);
  });
});
