import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/infrastructure/database/database.js';
import { migrateToLatest } from '../../src/infrastructure/database/migrate.js';

/** A fresh, migrated database for one test file, dropped by `drop()`. */
export interface TestDatabase extends Database {
  readonly url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through `npm test` (tests/run.ts)');
  return url;
}

/**
 * Creates database `t_<random>` on the test server, migrates it and opens a pool.
 * @param poolSize connections in the pool (default 20)
 */
export async function createTestDatabase(poolSize = 20): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const database = openDatabase(url.toString(), poolSize);
  await migrateToLatest(database.db);
  return {
    ...database,
    url: url.toString(),
    async drop() {
      await database.close();
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
