import pRetry from 'p-retry';
import { DomainError } from '../../domain/shared/index.js';

/** How often a step of a two-stream operation (a transfer's second half, its reversal) is tried again. */
export interface TransientRetryOptions {
  /** Extra attempts after an error that is not a `DomainError` (default 3), with jittered backoff (10–200 ms). */
  readonly retries?: number;
}

/**
 * Runs `run`, again up to `options.retries` times while it fails with anything but a
 * `DomainError` (a concurrency conflict past the handler's own retries, a lost connection):
 * a rejection is final and thrown at once (p-retry).
 * @throws the rejection, or the last error once the retries are spent
 */
export function retryTransient<T>(run: () => Promise<T>, options: TransientRetryOptions = {}): Promise<T> {
  return pRetry(run, {
    retries: options.retries ?? 3,
    minTimeout: 10,
    maxTimeout: 200,
    randomize: true,
    shouldRetry: ({ error }) => !(error instanceof DomainError),
  });
}
