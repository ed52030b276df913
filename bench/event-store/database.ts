import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/infrastructure/database/database.js';
import { freeLocalPort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/infrastructure/database/embedded-postgres.js';
import { migrateToLatest } from '../../src/infrastructure/database/migrate.js';

/** A fresh, migrated database for one bench run; `dispose()` drops it (and stops an embedded server). */
export interface BenchDatabase extends Database {
  /** Where it runs, for the report (password hidden). */
  readonly where: string;
  readonly serverVersion: string;
  dispose(): Promise<void>;
}


/**
 * Creates database `bench_<random>` on `BENCH_DATABASE_URL` (a user that may CREATE
 * DATABASE), or on an embedded PostgreSQL started in a temporary folder; migrates it.
 * @param poolSize connections (enough for the highest concurrency measured)
 */
export async function openBenchDatabase(poolSize: number): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    const root = await mkdtemp(path.join(tmpdir(), 'commerce-core-bench-'));
    await chmod(root, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freeLocalPort(), ephemeral: true });
    adminUrl = embedded.url;
  }
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = openDatabase(url.toString(), poolSize);
  await migrateToLatest(database.db);
  const version = (await database.pool.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  return {
    ...database,
    where: `${embedded ? 'embedded PostgreSQL' : url.host} (database ${name})`,
    serverVersion: version,
    async dispose() {
      await database.close();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      await embedded?.stop();
    },
  };
}
