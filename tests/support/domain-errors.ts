import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/shared/index.js';

/**
 * An `assert.rejects` validator: the error is a `DomainError` with `code` and, when given, at
 * least these `details` (an `AssertionError` names the detail that differs).
 */
export const isCode = (code: string, details?: Record<string, unknown>) => (e: unknown) => {
  if (!(e instanceof DomainError) || e.code !== code) return false;
  if (details) assert.deepEqual({ ...e.details, ...details }, e.details);
  return true;
};
