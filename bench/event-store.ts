/**
 * Event store benchmark: `npm run bench:event-store` (a command that prints figures, not a test).
 *
 * On a fresh database (embedded PostgreSQL, or `BENCH_DATABASE_URL`), measures in one run:
 * single-event appends at concurrency 1, 16 and 64; 100-event appends; `readAll`
 * throughput. Each beside a raw baseline on the same database (plain `INSERT` per
 * transaction; `INSERT … unnest` of 100 rows; plain ordered `SELECT` paging), measured
 * in alternating rounds (store, then baseline, back to back); the ratio printed is the
 * median of the rounds' ratios, so a burst of load from elsewhere on the machine moves it
 * little. Options: `BENCH_ROUND_MS` (1000), `BENCH_ROUNDS` (5).
 */
import { cpus, loadavg } from 'node:os';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { openBenchDatabase } from './event-store/database.js';
import { combine, measure, medianRatio, type Throughput } from './event-store/measure.js';
import {
  createRawTable,
  rawBatchInsert,
  rawReadAll,
  rawSingleInsert,
  storeBatchAppend,
  storeReadAll,
  storeSingleAppend,
} from './event-store/workloads.js';

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Row {
  readonly figure: string;
  readonly store: Throughput;
  readonly raw: Throughput;
  /** Median of the rounds' ratios. */
  readonly ratio: number;
  readonly target?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function print(rows: readonly Row[]): boolean {
  let ok = true;
  const header = ['figure', 'store (events/s)', 'raw baseline (events/s)', 'ratio (median of rounds)', 'target'];
  const lines = rows.map((r) => {
    const ratio = r.ratio;
    const met = r.target === undefined ? '' : ratio >= r.target ? ' met' : ' MISSED';
    if (r.target !== undefined && ratio < r.target) ok = false;
    return [r.figure, fmt(r.store.eventsPerSecond), fmt(r.raw.eventsPerSecond), ratio.toFixed(2), r.target === undefined ? '-' : `>= ${r.target}${met}`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
  return ok;
}

async function main(): Promise<void> {
  const started = Date.now();
  const database = await openBenchDatabase(72);
  const store = new PostgresEventStore(database.pool);
  try {
    await createRawTable(database.pool);
    console.log(`event store bench: ${database.where}, PostgreSQL ${database.serverVersion}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}, ${ROUNDS} rounds x ${ROUND_MS} ms per side`);
    const rows: Row[] = [];
    const pair = async (figure: string, concurrency: number, storeOp: (w: number, i: number) => Promise<number>, rawOp: (w: number, i: number) => Promise<number>, target?: number) => {
      await measure(concurrency, 200, storeOp); // warm up both sides
      await measure(concurrency, 200, rawOp);
      const s: Throughput[] = [];
      const r: Throughput[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        s.push(await measure(concurrency, ROUND_MS, storeOp));
        r.push(await measure(concurrency, ROUND_MS, rawOp));
      }
      rows.push({ figure, store: combine(s), raw: combine(r), ratio: medianRatio(s, r), ...(target !== undefined ? { target } : {}) });
    };
    for (const concurrency of [1, 16, 64]) {
      await pair(
        `single-event appends, concurrency ${concurrency}`,
        concurrency,
        storeSingleAppend(store, `c${concurrency}`),
        rawSingleInsert(database.pool, `c${concurrency}`),
        concurrency === 64 ? 0.7 : undefined,
      );
    }
    await pair('100-event appends, concurrency 1', 1, storeBatchAppend(store, 'b100', 100), rawBatchInsert(database.pool, 'b100', 100), 0.8);

    const total = Number((await database.pool.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n);
    const s: Throughput[] = [];
    const r: Throughput[] = [];
    await storeReadAll(store, 1000); // warm the cache
    await rawReadAll(database.pool, 1000);
    for (let round = 0; round < ROUNDS; round++) {
      s.push(await measure(1, 1, () => storeReadAll(store, 1000)));
      r.push(await measure(1, 1, () => rawReadAll(database.pool, 1000)));
    }
    rows.push({ figure: `readAll of ${fmt(total)} events, pages of 1000`, store: combine(s), raw: combine(r), ratio: medianRatio(s, r), target: 0.7 });

    const ok = print(rows);
    console.log(`\n${ok ? 'all targets met' : 'a target was MISSED'}; wall time ${((Date.now() - started) / 1000).toFixed(1)} s; load average now ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await store.close();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
