import type { Logger } from 'pino';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { openRuntime, type Runtime } from '../runtime.js';

/**
 * Runs `work` with a runtime opened from the environment, closing it afterwards. Logs go
 * to stderr so that stdout carries only the command's output. With no `DATABASE_URL`,
 * uses the service's embedded PostgreSQL when it is running (and leaves it running).
 */
export async function withRuntime<T>(work: (runtime: Runtime, logger: Logger) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 2);
  const runtime = await openRuntime(config, logger, { attachToRunningEmbedded: true });
  try {
    return await work(runtime, logger);
  } finally {
    await runtime.close();
  }
}

/** Catches every projector up with the log. @returns events read per projection */
export async function catchUpAll(runtime: Runtime): Promise<Record<string, number>> {
  const read: Record<string, number> = {};
  for (const projector of runtime.projectors) read[projector.projection.name] = await projector.catchUp();
  return read;
}
