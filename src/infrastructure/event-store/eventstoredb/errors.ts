import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamDeletedError as EsdbStreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  StreamDeletedError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
} from '../../../application/ports/event-store.js';

/**
 * Maps the client's errors to the port's named errors:
 * `WrongExpectedVersionError` → `WrongExpectedRevisionError` (expected as the caller
 * gave it, actual from the server: `no_stream` → `'no-stream'`), `StreamDeletedError`
 * → the port's `StreamDeletedError`. Anything else is returned unchanged.
 */
export function mapEsdbError(error: unknown, streamId: string, expected?: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(streamId, expected ?? 'any', typeof actual === 'bigint' ? actual : 'no-stream');
  }
  if (error instanceof EsdbStreamDeletedError) return new StreamDeletedError(streamId);
  return error;
}

/**
 * Errors after which a subscription is resubscribed from its checkpoint: the server went
 * away or the call was cut (unavailable, deadline, cancelled by the transport, leader changed).
 */
export function isTransientEsdbError(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  );
}
