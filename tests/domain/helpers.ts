import assert from 'node:assert/strict';
import { DomainError, fold, type Decider } from '../../src/domain/shared/index.js';
import { spec } from '../support/decider-spec.js';

/**
 * Asserts that `command` after `history` is rejected with `code`, `kind` (HTTP 409/422 class)
 * and, when given, `details` (a subset of the error's details).
 */
export function rejects<C, E, S>(
  decider: Decider<C, E, S>,
  history: readonly E[],
  command: C,
  code: string,
  kind: DomainError['kind'],
  details?: Record<string, unknown>,
): void {
  spec(decider).given(history).when(command).thenThrows(code, details);
  assert.throws(
    () => decider.decide(command, fold(decider, history)),
    (error: unknown) => error instanceof DomainError && error.kind === kind,
    `expected kind ${kind}`,
  );
}
