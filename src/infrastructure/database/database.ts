import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ReadModelSchema } from './schema.js';

/** A connection pool and the Kysely instance over it. Close with `close()`. */
export interface Database {
  readonly pool: pg.Pool;
  readonly db: Kysely<ReadModelSchema>;
  close(): Promise<void>;
}

const DATE_OID = 1082;

/** node-postgres type parsers, except `date`, which stays the `YYYY-MM-DD` text (a calendar day has no time zone). */
const keepText = (value: string): string => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === DATE_OID ? keepText : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool to `url`. `bigint` (int8) and `numeric` columns come back as strings,
 * as node-postgres does by default; callers convert with `BigInt`/`Number` knowingly.
 * `date` columns come back as `YYYY-MM-DD` strings.
 * @param max pool size (default 20)
 */
export function openDatabase(url: string, max = 20): Database {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a connection dropped while checked out (a projector holding its advisory lock, a
  // rebuild): a client's 'error' event with no listener would end the process. Its user sees
  // the failure on its next query and takes a new connection.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<ReadModelSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    close: () => db.destroy(),
  };
}
