import { pino, type Logger } from 'pino';

/** The process logger: JSON lines on stdout (or stderr for CLI commands whose stdout is data). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({ level, base: { service: 'commerce-core' } }, pino.destination(destination));
}
