import { sql } from 'kysely';
import { START, type Position } from '../application/ports/event-store.js';
import type { Projection } from './projection.js';
import { quote, type Executor } from './sql.js';

/**
 * Blue/green builds of projections.
 *
 * Every projection's tables live in a schema of their own per build, `rm_<name>_<n>`
 * (`n` from the sequence `projection_build_seq`). `projection_registry` records which
 * build is live and which one a rebuild is filling. `public` holds one view per table
 * (`public.orders` = `select * from rm_sales_7.orders`), so queries and operators read
 * the live build by the plain table names, and switching builds is replacing the views
 * and the registry row in one transaction. Each build's checkpoint is the row of
 * `projection_checkpoints` named after its schema.
 *
 * Projectors write with `search_path = <build schema>, public`, so projection SQL names
 * its tables unqualified and lands in the build it is applied to.
 */

/** A projection's registry row. */
export interface RegistryRow {
  readonly name: string;
  /** Schema of the live build (null before its first build). */
  readonly liveSchema: string | null;
  readonly liveVersion: number | null;
  /** Schema a rebuild is filling (blue/green), or null. */
  readonly buildingSchema: string | null;
  readonly buildingVersion: number | null;
  readonly paused: boolean;
  /** The poison event that stopped the projection, or null. */
  readonly error: ProjectionErrorInfo | null;
  readonly owner: string | null;
  readonly heartbeatAt: Date | null;
  readonly switchedAt: Date | null;
}

/** What stopped a projection: the event (stream, revision, position, type) and the error. */
export interface ProjectionErrorInfo {
  readonly streamId: string;
  readonly revision: string;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly message: string;
  readonly at: string;
}

interface RawRegistryRow {
  name: string;
  live_schema: string | null;
  live_version: number | null;
  building_schema: string | null;
  building_version: number | null;
  paused: boolean;
  error: ProjectionErrorInfo | null;
  owner: string | null;
  heartbeat_at: Date | null;
  switched_at: Date | null;
}

function toRow(r: RawRegistryRow): RegistryRow {
  return {
    name: r.name,
    liveSchema: r.live_schema,
    liveVersion: r.live_version,
    buildingSchema: r.building_schema,
    buildingVersion: r.building_version,
    paused: r.paused,
    error: r.error,
    owner: r.owner,
    heartbeatAt: r.heartbeat_at,
    switchedAt: r.switched_at,
  };
}

/**
 * The registry row of `name` (undefined when none).
 * @param lock `share` while applying a batch to the live build (a switch waits for it),
 *   `update` to switch or change the row
 */
export async function readRegistry(db: Executor, name: string, lock?: 'share' | 'update'): Promise<RegistryRow | undefined> {
  const suffix = lock === 'share' ? sql`for share` : lock === 'update' ? sql`for update` : sql``;
  const { rows } = await sql<RawRegistryRow>`select * from projection_registry where name = ${name} ${suffix}`.execute(db);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Every registry row, by name. */
export async function readAllRegistry(db: Executor): Promise<RegistryRow[]> {
  const { rows } = await sql<RawRegistryRow>`select * from projection_registry order by name`.execute(db);
  return rows.map(toRow);
}

/** Sets the transaction's search_path to `schema, public` (`set_config(…, true)`: local to the transaction). */
export async function useSchema(db: Executor, schema: string): Promise<void> {
  await sql`select set_config('search_path', ${`${quote(schema)}, public`}, true)`.execute(db);
}

/** Resets the transaction's search_path to `public`. */
export async function usePublic(db: Executor): Promise<void> {
  await sql`select set_config('search_path', 'public', true)`.execute(db);
}

/** The checkpoint of a build (by its schema), `START` when it has none. */
export async function buildCheckpoint(db: Executor, schema: string): Promise<Position> {
  const { rows } = await sql<{ commit_id: string; prepare: string }>`
    select commit_id, prepare from public.projection_checkpoints where name = ${schema}`.execute(db);
  const row = rows[0];
  return row ? { commit: BigInt(row.commit_id), prepare: BigInt(row.prepare) } : START;
}

/**
 * Moves a build's checkpoint from `from` to `to`, only if it is still at `from`.
 * @returns false when it had moved (another writer applied this batch): roll back
 */
export async function moveCheckpoint(db: Executor, schema: string, from: Position, to: Position): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`
    update public.projection_checkpoints set commit_id = ${to.commit.toString()}, prepare = ${to.prepare.toString()}, updated_at = now()
    where name = ${schema} and commit_id = ${from.commit.toString()} and prepare = ${from.prepare.toString()}
    returning name`.execute(db);
  return rows.length === 1;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

/** `rm_<name>_<n>`, the schema of build `n` of a projection. */
export function buildSchemaName(name: string, n: number | bigint | string): string {
  if (!NAME.test(name)) throw new Error(`projection name ${name} must match ${NAME.source}`);
  return `rm_${name}_${n}`;
}

/** What `createBuild` creates besides the tables. */
export interface CreateBuildOptions {
  /** Create the projection's query indexes (`Projection.indexes`) now (default true); a rebuild creates them after catching up. */
  readonly indexes?: boolean;
}

/**
 * Creates an empty build of `projection`: a new schema with its tables (`setup`), unless
 * told otherwise its query indexes, and a checkpoint at `START`. Run it inside a
 * transaction so that a killed process leaves either a complete empty build or nothing.
 * @returns the build's schema
 */
export async function createBuild(trx: Executor, projection: Projection, options: CreateBuildOptions = {}): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval('public.projection_build_seq')::text as n`.execute(trx);
  const schema = buildSchemaName(projection.name, rows[0]!.n);
  await sql`create schema ${sql.id(schema)}`.execute(trx);
  await useSchema(trx, schema);
  await projection.setup(trx);
  if (options.indexes ?? true) await createIndexes(trx, projection, schema);
  await usePublic(trx);
  await sql`insert into public.projection_checkpoints (name, commit_id, prepare) values (${schema}, 0, 0)
    on conflict (name) do update set commit_id = 0, prepare = 0, updated_at = now()`.execute(trx);
  return schema;
}

const IDEMPOTENT_INDEX = /^\s*create\s+(?:unique\s+)?index\s+if\s+not\s+exists\s/i;

/**
 * Creates the query indexes (`Projection.indexes`) of the build in `schema` that it
 * lacks. Idempotent, so a rebuild killed after creating some creates the rest when it
 * resumes. Run it in a transaction (it sets the transaction's search_path).
 * @throws Error when a statement is not `create [unique] index if not exists …`
 */
export async function createIndexes(trx: Executor, projection: Projection, schema: string): Promise<void> {
  await useSchema(trx, schema);
  for (const statement of projection.indexes ?? []) {
    if (!IDEMPOTENT_INDEX.test(statement)) throw new Error(`index of projection ${projection.name} must be 'create [unique] index if not exists …': ${statement}`);
    await sql.raw(statement).execute(trx);
  }
  await usePublic(trx);
}

/** Drops a build's schema (with its tables) and its checkpoint. */
export async function dropBuild(trx: Executor, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
  await sql`delete from public.projection_checkpoints where name = ${schema}`.execute(trx);
}

/** Points `public.<table>` at `schema.<table>` for every table of the projection (drop and create: columns may differ). */
export async function pointViews(trx: Executor, projection: Projection, schema: string): Promise<void> {
  for (const table of projection.tables) {
    await sql`drop view if exists public.${sql.id(table)}`.execute(trx);
    await sql`create view public.${sql.id(table)} as select * from ${sql.id(schema)}.${sql.id(table)}`.execute(trx);
  }
}

/**
 * Makes sure `projection` has a live build (creating, registering and exposing an empty
 * one when it has none). Idempotent and safe under concurrency: serialised by a
 * transaction-level advisory lock. Runs in `db`'s transaction when it is one.
 */
export async function ensureLive(db: Executor, projection: Projection): Promise<RegistryRow> {
  const work = async (trx: Executor): Promise<RegistryRow> => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`projection-registry:${projection.name}`}, 0))`.execute(trx);
    await sql`insert into public.projection_registry (name) values (${projection.name}) on conflict (name) do nothing`.execute(trx);
    const row = (await readRegistry(trx, projection.name, 'update'))!;
    if (row.liveSchema) return row;
    const schema = await createBuild(trx, projection);
    await pointViews(trx, projection, schema);
    await sql`update public.projection_registry set live_schema = ${schema}, live_version = ${projection.version}, switched_at = now(), updated_at = now()
      where name = ${projection.name}`.execute(trx);
    return (await readRegistry(trx, projection.name))!;
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Schemas of `name`'s builds that are neither live nor being built (left by a rebuild
 * killed between its switch and its clean-up), dropped with their checkpoints.
 * @returns the schemas dropped
 */
export async function dropOrphanBuilds(db: Executor, name: string): Promise<string[]> {
  const row = await readRegistry(db, name);
  const keep = new Set([row?.liveSchema, row?.buildingSchema].filter((s): s is string => !!s));
  const { rows } = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname ~ ${`^rm_${name}_[0-9]+$`}`.execute(db);
  const orphans = rows.map((r) => r.nspname).filter((s) => !keep.has(s));
  for (const schema of orphans) {
    await (db.isTransaction ? dropBuild(db, schema) : db.transaction().execute((trx) => dropBuild(trx, schema)));
  }
  return orphans;
}
