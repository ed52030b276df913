/**
 * Projection rebuild benchmark: `npm run bench:projections [-- options]`.
 *
 *   --database-url URL   an existing database to rebuild in (e.g. after `import online-retail`);
 *                        default: a fresh embedded PostgreSQL with an Olist data set imported
 *   --olist-dir DIR      the Olist data set imported into the fresh database (default data/olist-sample,
 *                        the committed 2,000-order sample; ../shared/data/olist is the 10k-order set)
 *   --batch-size N       events per transaction of the rebuilds, rows per batch of the baseline (default 5000, as rebuilds)
 *   --only NAME[,NAME]   rebuild only these projections (default: each, then all together)
 *
 * For each projection, a blue/green rebuild from the start of `$all` (events of `$all` ÷
 * wall time of the whole rebuild), then all of them in one rebuild (one read of `$all`
 * feeding every projection).
 * Last, the runtime's floor: the same rebuild of all of them with every `apply` a no-op
 * (reads the same events, creates the same tables, switches, drops; writes no rows), as
 * projections of their own (`floor_<name>`, no views) removed afterwards. Its ratio is
 * the most any rebuild of all of them could reach on this machine.
 * The raw baseline is measured in the same run on the same server: `INSERT … SELECT *
 * FROM unnest(…)` of as many rows as the rebuild read events, in batches of the same
 * size, one transaction per batch (with `synchronous_commit = off`, as the rebuild's
 * batches), into a table shaped like a read-model row (two text and two bigint columns,
 * primary key on the texts). The ratio is rebuild events/s ÷ baseline rows/s (target ≥ 0.5).
 *
 * Beside each run, its CPU (bench/cpu.ts): this process's and, when the server runs on
 * this machine, the server's, and the ratio the run could reach at best on this machine's
 * cores with that much CPU (CPU seconds ÷ cores as the wall time): a run whose best is
 * below the target needs less CPU, not better overlap.
 */
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { CommandHandler } from '../src/application/command-handler.js';
import { openDatabase, type Database } from '../src/infrastructure/database/database.js';
import { freeLocalPort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/infrastructure/database/embedded-postgres.js';
import { migrateToLatest } from '../src/infrastructure/database/migrate.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { replayOlist } from '../src/infrastructure/import/olist-replay.js';
import { readOlist } from '../src/infrastructure/import/olist/index.js';
import { dropBuild, eventsAfter, projections, readRegistry, rebuild, type Projection } from '../src/projections/index.js';
import { START } from '../src/application/ports/event-store.js';
import { CORES, cpuBoundSeconds, measureCpu, type CpuUse } from './cpu.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'batch-size': { type: 'string', default: '5000' },
    'olist-dir': { type: 'string', default: 'data/olist-sample' },
    only: { type: 'string' },
  },
});
const batchSize = Number(values['batch-size']);

/** Inserts `rows` rows in batches of `batchSize` with `unnest`, one transaction per batch. @returns rows per second and the CPU it took */
async function rawBaseline(database: Database, rows: number, backendPid: number): Promise<{ rate: number; cpu: CpuUse }> {
  await sql`drop table if exists bench_raw`.execute(database.db);
  await sql`create unlogged table bench_raw (tenant_id text not null, key text not null, a bigint not null, b bigint not null, primary key (tenant_id, key))`.execute(database.db);
  // Same logging as the read models (regular tables): recreate as logged for a fair comparison.
  await sql`alter table bench_raw set logged`.execute(database.db);
  const started = performance.now();
  const stop = measureCpu(backendPid);
  for (let done = 0; done < rows; done += batchSize) {
    const n = Math.min(batchSize, rows - done);
    const keys = Array.from({ length: n }, (_, i) => `key-${done + i}-${(done + i) * 2654435761 % 1000003}`);
    await database.db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx); // as the rebuild's batches
      await sql`insert into bench_raw (tenant_id, key, a, b)
        select * from unnest(${keys.map(() => 'bench')}::text[], ${keys}::text[], ${keys.map((_, i) => done + i)}::int8[], ${keys.map((_, i) => (done + i) * 7)}::int8[])`.execute(trx);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = stop();
  await sql`drop table bench_raw`.execute(database.db);
  return { rate: rows / seconds, cpu };
}

/** A rebuild of `selected`, timed, with the CPU it took. */
async function timedRebuild(database: Database, store: PostgresEventStore, selected: readonly Projection[], backendPid: number): Promise<{ events: number; seconds: number; cpu: CpuUse }> {
  const stop = measureCpu(backendPid);
  const r = await rebuild(database.db, store, selected, { batchSize });
  return { events: r.events, seconds: r.seconds, cpu: stop() };
}

/**
 * The rebuild of `selected` with every `apply` a no-op, as projections `floor_<name>`
 * without views (the live read models are untouched), whose builds and registry rows are
 * removed afterwards. @returns what the timed rebuild did
 */
async function floorRebuild(database: Database, store: PostgresEventStore, selected: readonly Projection[], backendPid: number): Promise<{ events: number; seconds: number; cpu: CpuUse }> {
  const floors = selected.map((p): Projection => ({ ...p, name: `floor_${p.name}`, tables: [], apply: () => Promise.resolve() }));
  try {
    await rebuild(database.db, store, floors, { batchSize }); // warm-up, as for the others
    return await timedRebuild(database, store, floors, backendPid);
  } finally {
    for (const f of floors) {
      const row = await readRegistry(database.db, f.name);
      for (const schema of [row?.liveSchema, row?.buildingSchema]) if (schema) await dropBuild(database.db, schema);
      await sql`delete from projection_registry where name = ${f.name}`.execute(database.db);
    }
  }
}

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let root: string | undefined;
  let url = values['database-url'];
  if (!url) {
    root = await mkdtemp(path.join(tmpdir(), 'commerce-core-bench-'));
    await chmod(root, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freeLocalPort(), ephemeral: true });
    url = embedded.url;
  }
  const database = openDatabase(url, 10);
  try {
    await migrateToLatest(database.db);
    const store = new PostgresEventStore(database.pool);
    let { count: events } = await eventsAfter(database.db, START);
    if (events === 0) {
      const dir = values['olist-dir'];
      console.error(`empty event log: importing the Olist data set in ${dir}…`);
      const started = performance.now();
      await replayOlist(new CommandHandler(store), await readOlist(dir), { tenantId: 'olist' });
      events = (await eventsAfter(database.db, START)).count;
      console.error(`imported ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const selected: Projection[] = values.only ? values.only.split(',').map((n) => projections.find((p) => p.name === n) ?? fail(`unknown projection ${n}`)) : [...projections];
    const backendPid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db)).rows[0]!.pid;
    const runs: { name: string; events: number; seconds: number; cpu: CpuUse }[] = [];
    // Warm-up: one rebuild of everything (caches, JIT), not reported.
    await rebuild(database.db, store, selected, { batchSize });
    for (const p of selected) runs.push({ name: p.name, ...(await timedRebuild(database, store, [p], backendPid)) });
    if (selected.length > 1) runs.push({ name: `all (${selected.length})`, ...(await timedRebuild(database, store, selected, backendPid)) });
    runs.push({ name: 'floor (no-op apply)', ...(await floorRebuild(database, store, selected, backendPid)) });
    const raw = await rawBaseline(database, events, backendPid);
    const rawAgain = await rawBaseline(database, events, backendPid);
    const best = raw.rate >= rawAgain.rate ? raw : rawAgain;
    const baseline = best.rate;
    const cpuCells = (cpu: CpuUse) => {
      const bound = cpuBoundSeconds(cpu);
      return `${cpu.nodeCpu.toFixed(2).padStart(8)} ${(cpu.serverCpu?.toFixed(2) ?? 'n/a').padStart(8)} ${(bound === undefined ? 'n/a' : (events / bound / baseline).toFixed(2)).padStart(9)}`;
    };
    console.log(`projection rebuild benchmark: ${events} events in $all, batches of ${batchSize}, ${CORES} cores`);
    console.log(`raw baseline: INSERT … SELECT * FROM unnest(…) of ${events} rows in batches of ${batchSize}: ${Math.round(baseline)} rows/s (best of 2: ${Math.round(raw.rate)}, ${Math.round(rawAgain.rate)});` +
      ` CPU node ${best.cpu.nodeCpu.toFixed(2)} s, server ${best.cpu.serverCpu?.toFixed(2) ?? 'n/a'} s`);
    console.log('');
    console.log(`${'projection'.padEnd(19)} ${'applied'.padStart(9)} ${'seconds'.padStart(9)} ${'events/s'.padStart(10)} ${'× raw'.padStart(7)} ${'node s'.padStart(8)} ${'server s'.padStart(8)} ${'cpu best'.padStart(9)}`);
    for (const r of runs) {
      const rate = events / r.seconds;
      console.log(`${r.name.padEnd(19)} ${String(r.events).padStart(9)} ${r.seconds.toFixed(3).padStart(9)} ${String(Math.round(rate)).padStart(10)} ${(rate / baseline).toFixed(2).padStart(7)} ${cpuCells(r.cpu)}`);
    }
    console.log('');
    console.log(`events/s: events of $all rebuilt (${events}) ÷ wall time of the whole blue/green rebuild (new schema, catch-up, switch, drop of the old one);`);
    console.log('applied: events of the types the projection handles (the rebuild reads only those, filtered by the server).');
    console.log('floor: all of them rebuilt with apply a no-op (read, create tables, switch, drop; no rows): the most a rebuild of all could reach.');
    console.log(`node s, server s: CPU seconds of this process and of the PostgreSQL server (n/a: not on this machine) during the run;`);
    console.log(`cpu best: × raw if the run's CPU were spread over all ${CORES} cores with none idle ((node + server) ÷ ${CORES} as its wall time): below 0.5, only less CPU can reach the target.`);
  } finally {
    await database.close();
    await embedded?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  }
}

function fail(message: string): never {
  throw new Error(message);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
