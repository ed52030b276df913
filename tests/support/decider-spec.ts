import assert from 'node:assert/strict';
import { DomainError, fold, type Decider } from '../../src/domain/shared/index.js';

/**
 * Given/when/then for deciders: given past events, when a command, then the emitted
 * events (deep-equal) or a DomainError with the named code.
 *
 *   spec(walletDecider).given([opened]).when(debit).thenThrows('insufficient-funds');
 */
export function spec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(history: readonly E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, history));
          return {
            then(expected: readonly E[]): void {
              assert.deepEqual(run(), expected);
            },
            thenThrows(code: string, details?: Record<string, unknown>): void {
              assert.throws(run, (error: unknown) => {
                assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
                assert.equal(error.code, code);
                if (details) assert.deepEqual({ ...error.details, ...details }, error.details, 'details differ');
                return true;
              });
            },
          };
        },
      };
    },
  };
}
