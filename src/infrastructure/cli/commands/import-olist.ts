import { sql } from 'kysely';
import { replayOlist } from '../../import/olist-replay.js';
import { readOlist, type RowProblem } from '../../import/olist/index.js';
import { catchUpAll, withRuntime } from '../session.js';

/** Options of `import olist`. */
export interface ImportOlistOptions {
  readonly dir: string;
  readonly limit?: number;
  readonly tenant: string;
}

/** Counts problems by message, with up to three examples each (`file:line`). */
function grouped(problems: readonly RowProblem[]) {
  const groups = new Map<string, { count: number; examples: string[] }>();
  for (const p of problems) {
    const key = p.message.replace(/[0-9a-f]{32}/g, '<id>');
    const g = groups.get(key) ?? { count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 3) g.examples.push(`${p.file}:${p.line}`);
    groups.set(key, g);
  }
  return [...groups.entries()].map(([message, g]) => ({ message, ...g })).sort((a, b) => b.count - a.count);
}

/**
 * `import olist --dir DIR [--limit N] [--tenant T]`: reads the Olist CSVs (with `--limit`,
 * the first N orders of the orders file), reports every malformed line of those orders with
 * file and line on stderr, replays the valid ones through the command handlers, catches the
 * projections up, and prints a JSON summary on stdout: orders read (valid) / imported /
 * rejected, events written, wall time and events per second. The summary and the rejected
 * lines describe the orders this run considered, never the rest of the file.
 */
export async function importOlist(options: ImportOlistOptions): Promise<void> {
  const started = performance.now();
  const dataset = await readOlist(options.dir, options.limit !== undefined ? { limit: options.limit } : {});
  for (const p of dataset.rejected) console.error(`rejected ${p.file}:${p.line}: ${p.message}`);
  const readMs = performance.now() - started;

  await withRuntime(async (runtime) => {
    const countEvents = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from events where tenant_id = ${options.tenant}`.execute(runtime.database.db)).rows[0]!.n);
    const eventsBefore = await countEvents();
    const replayStarted = performance.now();
    let lastShown = 0;
    const result = await replayOlist(runtime.handler, dataset, {
      tenantId: options.tenant,
      onProgress: (done, total) => {
        if (done === total || performance.now() - lastShown > 2000) {
          lastShown = performance.now();
          console.error(`import olist: ${done}/${total} orders`);
        }
      },
    });
    const replayMs = performance.now() - replayStarted;
    const eventsWritten = (await countEvents()) - eventsBefore;
    for (const p of result.failed) console.error(`failed ${p.file}:${p.line}: ${p.message}`);
    const projectStarted = performance.now();
    const projected = await catchUpAll(runtime);
    const projectMs = performance.now() - projectStarted;
    const wallMs = performance.now() - started;
    console.log(
      JSON.stringify(
        {
          tenant: options.tenant,
          ordersRead: dataset.orders.length,
          ordersImported: result.ordersImported,
          ordersAlreadyImported: result.ordersAlreadyImported,
          ordersRejected: new Set(dataset.rejected.map((r) => r.orderId ?? `${r.file}:${r.line}`)).size,
          ordersFailed: result.failed.length,
          rejected: grouped(dataset.rejected),
          warnings: grouped(dataset.warnings),
          notes: grouped(result.notes),
          commands: result.commands,
          eventsWritten,
          projected,
          seconds: { read: round(readMs), replay: round(replayMs), project: round(projectMs), wall: round(wallMs) },
          eventsPerSecond: Math.round(eventsWritten / (replayMs / 1000)),
        },
        null,
        2,
      ),
    );
    if (result.failed.length > 0) process.exitCode = 1;
  });
}

const round = (ms: number) => Math.round(ms) / 1000;
