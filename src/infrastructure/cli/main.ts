/**
 * The operator's command line: `npm run cli -- <command>`.
 *
 *   import olist --dir DIR [--limit N] [--tenant T]
 *   report [--json] [--tenant T]
 *   projections list | projections rebuild NAME
 *   stream show STREAM_ID
 *   token --tenant T --roles R[,R] [--subject S] [--expires SECONDS]
 *
 * Configuration comes from the environment (see config.ts). Data goes to stdout, logs and
 * progress to stderr. Any error prints one line and exits 1.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/config.js';
import { importOlist } from './commands/import-olist.js';
import { listProjections, rebuildProjection } from './commands/projections.js';
import { report } from './commands/report.js';
import { showStream } from './commands/stream.js';
import { token } from './commands/token.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const program = new Command('commerce-core').description('Operator commands of the commerce core').showHelpAfterError();

const importCommand = program.command('import').description('replay a public data set through the command handlers');
importCommand
  .command('olist')
  .description('import the Olist orders (see data/olist-sample/SOURCE.md)')
  .requiredOption('--dir <dir>', 'folder holding the Olist CSV files')
  .option('--limit <n>', 'import only the first N orders of the orders file', positiveInteger)
  .option('--tenant <tenant>', 'tenant to import into', 'olist')
  .action((o: { dir: string; limit?: number; tenant: string }) => importOlist(o));

program
  .command('report')
  .description("print a tenant's sales report from the read models")
  .option('--json', 'print one JSON object', false)
  .option('--tenant <tenant>', 'tenant', 'olist')
  .action((o: { json: boolean; tenant: string }) => report(o));

const projectionsCommand = program.command('projections').description('inspect and rebuild projections');
projectionsCommand.command('list').description('each projection and its checkpoint').action(() => listProjections());
projectionsCommand
  .command('rebuild')
  .argument('<name>', 'projection name (catalogue, sales)')
  .description('empty a projection and replay the whole log into it')
  .action((name: string) => rebuildProjection(name));

program
  .command('stream')
  .description('read streams')
  .command('show')
  .argument('<streamId>', 'e.g. order-olist:e481f51cbdc54678b7cc49136f2d6af7')
  .description('print the events of one stream with their metadata, one JSON object per line')
  .action((streamId: string) => showStream(streamId));

program
  .command('token')
  .description('mint a development bearer token')
  .requiredOption('--tenant <tenant>', 'tenant id')
  .requiredOption('--roles <roles>', 'comma-separated roles: customer, admin')
  .option('--subject <subject>', 'the token subject (user or customer id)', 'dev-user')
  .option('--expires <seconds>', 'lifetime in seconds', positiveInteger, 3600)
  .action((o: { tenant: string; roles: string; subject: string; expires: number }) => token(o));

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
