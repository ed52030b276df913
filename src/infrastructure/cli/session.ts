import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../runtime.js';

/** Options of `withRuntime`. */
export interface SessionOptions {
  /**
   * Migrate the schema first (default true). Read-only commands pass false: they write
   * nothing (so they run with a role that can only read) and fail with "the database is at
   * migration X; run `npm start` or `npm run cli -- migrate` first (latest: Y)" when a
   * migration is pending.
   */
  readonly migrate?: boolean;
}

/**
 * Runs `work` with a runtime opened from the environment, closing it afterwards. Logs go
 * to stderr so that stdout carries only the command's output. With no `DATABASE_URL`,
 * uses the service's embedded PostgreSQL when it is running (and leaves it running).
 * @throws Error "cannot connect to PostgreSQL at host:port: CODE", "database "x" does not
 *   exist …" or "cannot log in to PostgreSQL …" when the server cannot be used (see
 *   `connectionProblem`), else the error of opening the runtime or of `work`
 */
export async function withRuntime<T>(work: (runtime: Runtime, logger: Logger) => Promise<T>, options: SessionOptions = {}): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 2);
  try {
    const runtime = await openRuntime(config, logger, { attachToRunningEmbedded: true, migrate: options.migrate ?? true });
    try {
      return await work(runtime, logger);
    } finally {
      await runtime.close();
    }
  } catch (error) {
    throw connectionProblem(error, config) ?? error;
  }
}

/** Node's codes of a server that cannot be reached (refused, unknown host, timeout, …). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * `error` (or an error in its `cause` chain) restated as what it is when PostgreSQL could not
 * be used at all: not reachable (`cannot connect to PostgreSQL at host:port: ECONNREFUSED`),
 * no such database (`database "x" does not exist on PostgreSQL at host:port`), login refused
 * (`cannot log in to PostgreSQL at host:port: …`); `undefined` for any other error.
 */
export function connectionProblem(error: unknown, config: Pick<Config, 'databaseUrl' | 'embeddedPgPort'>): Error | undefined {
  const url = new URL(config.databaseUrl ?? `postgres://127.0.0.1:${config.embeddedPgPort}`);
  const where = `PostgreSQL at ${url.hostname}:${url.port || '5432'}`;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const codes = [e, ...(e instanceof AggregateError ? (e.errors as unknown[]) : [])].map((x) => (x as { code?: unknown }).code);
    const unreachable = codes.find((c): c is string => typeof c === 'string' && UNREACHABLE.has(c));
    if (unreachable) return new Error(`cannot connect to ${where}: ${unreachable}`, { cause: error });
    if (codes[0] === '3D000') return new Error(`${e.message} on ${where}`, { cause: error });
    if (codes[0] === '28P01' || codes[0] === '28000') return new Error(`cannot log in to ${where}: ${e.message}`, { cause: error });
  }
  return undefined;
}

/** Catches every projector up with the log. @returns events read per projection */
export async function catchUpAll(runtime: Runtime): Promise<Record<string, number>> {
  const read: Record<string, number> = {};
  for (const projector of runtime.projectors) read[projector.projection.name] = await projector.catchUp();
  return read;
}
