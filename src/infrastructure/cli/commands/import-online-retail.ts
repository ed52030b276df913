import cliProgress from 'cli-progress';
import { openDatabase } from '../../database/database.js';
import { openEventStore } from '../../event-store/open-event-store.js';
import { CachingCommandHandler, readOnlineRetail, replayOnlineRetail, type RetailProblem } from '../../import/online-retail/index.js';
import { catchUpAll, withRuntime } from '../session.js';

/** Options of `import online-retail`. */
export interface ImportOnlineRetailOptions {
  readonly file: string;
  readonly tenant: string;
  /** Only the first N invoices of the file. */
  readonly limit?: number;
  readonly concurrency?: number;
  /** Draw the progress bar even when stderr is not a terminal. */
  readonly progress?: boolean;
  /** Print every line left out on stderr (default: counts by reason, with three examples each). */
  readonly verbose?: boolean;
}

/** Problems counted by reason (numbers and ids masked), with up to three `invoice:line` examples each. */
function grouped(problems: readonly RetailProblem[]) {
  const groups = new Map<string, { count: number; examples: string[] }>();
  for (const p of problems) {
    const key = p.message.replace(/\b\d+(\.\d+)?\b/g, 'N');
    const g = groups.get(key) ?? { count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 3) g.examples.push(`line ${p.line} (invoice ${p.invoice})`);
    groups.set(key, g);
  }
  return [...groups.entries()].map(([message, g]) => ({ message, ...g })).sort((a, b) => b.count - a.count);
}

/**
 * `import online-retail --file FILE [--tenant T] [--limit N] [--concurrency C]`: reads the
 * UCI Online Retail CSV (gzip or plain), reports every line left out with its line number
 * and reason on stderr, replays the invoices through the command handlers with a progress
 * bar (lines, events/s, ETA), catches the projections up and prints a JSON summary.
 */
export async function importOnlineRetail(options: ImportOnlineRetailOptions): Promise<void> {
  const started = performance.now();
  const dataset = await readOnlineRetail(options.file, options.limit !== undefined ? { limit: options.limit } : {});
  const readMs = performance.now() - started;
  for (const p of [...dataset.skipped, ...dataset.skippedInvoices]) {
    if (options.verbose) console.error(`skipped line ${p.line} (invoice ${p.invoice}): ${p.message}`);
  }
  await withRuntime(async (runtime, logger) => {
    // A pool of its own with asynchronous commit: appends stop waiting for their WAL flush
    // (the commit fsync, not the work, bounds a one-event-per-transaction import). A crash
    // may lose the last fraction of a second of commits; the import is resumable and
    // re-running it redoes exactly what is missing.
    const url = new URL(String(runtime.database.pool.options.connectionString));
    url.searchParams.set('options', '-c synchronous_commit=off');
    const concurrency = options.concurrency ?? 16;
    const importDb = openDatabase(url.toString(), concurrency + 4);
    const store = openEventStore(runtime.config, importDb.pool, logger);
    const handler = new CachingCommandHandler(store);
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'import online-retail [{bar}] {percentage}% | {value}/{total} lines | {rate} events/s | ETA {eta_formatted}',
        etaBuffer: 200,
        fps: 2,
        noTTYOutput: options.progress ?? false,
        notTTYSchedule: 5000,
      },
      cliProgress.Presets.shades_classic,
    );
    const replayStarted = performance.now();
    let barStarted = false;
    const result = await replayOnlineRetail(handler, dataset, {
      tenantId: options.tenant,
      concurrency,
      onProgress: (done, total) => {
        const rate = Math.round(handler.eventsWritten / Math.max(0.001, (performance.now() - replayStarted) / 1000));
        if (!barStarted) {
          bar.start(total, done, { rate });
          barStarted = true;
        } else bar.update(done, { rate });
      },
    });
    if (barStarted) bar.stop();
    await store.close();
    await importDb.close();
    const replayMs = performance.now() - replayStarted;
    for (const p of result.notes) if (options.verbose) console.error(`note line ${p.line} (invoice ${p.invoice}): ${p.message}`);
    for (const p of result.failed) if (options.verbose) console.error(`not imported line ${p.line} (invoice ${p.invoice}): ${p.message}`);
    const projectStarted = performance.now();
    const projected = await catchUpAll(runtime);
    const projectMs = performance.now() - projectStarted;
    const round = (ms: number) => Math.round(ms) / 1000;
    console.log(
      JSON.stringify(
        {
          tenant: options.tenant,
          file: options.file,
          rows: dataset.rows,
          invoices: { inFile: dataset.invoicesRead, read: dataset.invoices.length, everyLineSkipped: dataset.invoicesEveryLineSkipped.length, imported: result.invoicesImported, alreadyImported: result.invoicesAlreadyImported, guests: result.guestInvoices },
          linesImported: result.linesImported,
          priceChanges: result.priceChanges,
          stockReceipts: result.stockReceipts,
          cancellations: result.cancellations,
          skippedLines: { count: dataset.skipped.length, byReason: grouped(dataset.skipped) },
          skippedInvoices: { count: dataset.skippedInvoices.length, byReason: grouped(dataset.skippedInvoices) },
          notes: { count: result.notes.length, byReason: grouped(result.notes) },
          notImported: { count: result.failed.length, byReason: grouped(result.failed) },
          eventsWritten: handler.eventsWritten,
          projected,
          seconds: { read: round(readMs), replay: round(replayMs), project: round(projectMs), wall: round(performance.now() - started) },
          eventsPerSecond: Math.round(handler.eventsWritten / (replayMs / 1000)),
        },
        null,
        2,
      ),
    );
    if (result.failed.some((f) => f.message.startsWith('rejected'))) process.exitCode = 1;
  });
}
