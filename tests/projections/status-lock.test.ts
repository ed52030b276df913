import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { projectorLockHeld } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * A projection is `running` when a projector holds its lock in this database: advisory locks
 * are per database, so a projector of the same name on another database of the server (another
 * deployment, another test) does not make this one's projection look running.
 */
describe('projections: status lock', () => {
  let mine: TestDatabase;
  let other: TestDatabase;
  before(async () => {
    mine = await createTestDatabase(2);
    other = await createTestDatabase(2);
  });
  after(async () => {
    await other.drop();
    await mine.drop();
  });

  it('sees the projector lock taken in its own database, not one of the same name in another database', async () => {
    const held = await other.pool.connect();
    try {
      await held.query(`select pg_advisory_lock(hashtextextended('projector:analytics', 0))`);
      assert.equal(await projectorLockHeld(other.db, 'analytics'), true);
      assert.equal(await projectorLockHeld(mine.db, 'analytics'), false);
    } finally {
      await held.query(`select pg_advisory_unlock(hashtextextended('projector:analytics', 0))`);
      held.release();
    }
  });
});
