import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AnyDb } from '../../src/projections/sql.js';
import type { EventStore } from '../../src/application/ports/event-store.js';
import { Projector, projections, resetProjection } from '../../src/projections/index.js';

/** Appends one raw event (no decider) to a stream, as a given of a projection test. */
export async function given(store: EventStore, streamId: string, type: string, data: Record<string, unknown>, occurredAt: string, tenantId = 'acme'): Promise<void> {
  await store.appendToStream(
    streamId,
    [{ eventId: randomUUID(), type, data, metadata: { tenantId, actor: 'test', correlationId: 'c', causationId: 'c', occurredAt } }],
    { expectedRevision: 'any' },
  );
}

/**
 * Rows of a read-model table (through its view) as arrays of the given columns, sorted by
 * them; dates as `YYYY-MM-DD` and timestamps as ISO strings, bigints as numbers.
 */
export async function rows(db: AnyDb, table: string, cols: readonly string[], where = sql`true`): Promise<unknown[][]> {
  const { rows: found } = await sql<Record<string, unknown>>`select ${sql.join(cols.map((c) => sql.id(c)))} from ${sql.table(table)} where ${where}`.execute(db);
  const out = found.map((r) =>
    cols.map((c) => {
      const v = r[c];
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'string' && /^-?\d+$/.test(v) && (c.endsWith('_minor') || c === 'commit_id')) return Number(v);
      if (typeof v === 'string' && /^[A-Z]{3} *$/.test(v) && c === 'currency') return v.trim();
      return v;
    }),
  );
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** md5 of every row of the given tables (through their views), in a stable order: equal read models have equal checksums. */
export async function checksum(db: AnyDb, tables: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const { rows: r } = await sql<{ md5: string | null; n: string }>`
      select md5(string_agg(x.t, E'\\n' order by x.t)) as md5, count(*)::text as n from (select (v.*)::text as t from ${sql.table(t)} v) x`.execute(db);
    out[t] = `${r[0]!.n}:${r[0]!.md5 ?? '-'}`;
  }
  return out;
}

/** Empties every projection's live build and applies the whole log to it again, in batches of `batchSize` events. */
export async function projectAll(store: EventStore, db: AnyDb, batchSize: number): Promise<void> {
  for (const p of projections) {
    await resetProjection(db, p);
    await new Projector(store, db, p, { batchSize }).catchUp();
  }
}
