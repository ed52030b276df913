import type { Kysely } from 'kysely';
import type { CommandHandler } from '../../application/command-handler.js';
import type { Config } from '../config/config.js';
import type { ReadModelSchema } from '../database/schema.js';

/** What the route plugins need: configuration, the read-model database, the command handler and a clock. */
export interface HttpDependencies {
  readonly config: Config;
  readonly db: Kysely<ReadModelSchema>;
  readonly handler: CommandHandler;
  /** Business-time clock: `occurredAt` of every command. */
  readonly now: () => Date;
}
