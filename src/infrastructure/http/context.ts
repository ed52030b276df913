import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { CommandContext } from '../../application/command-context.js';
import type { Principal } from './auth.js';
import { validationFailed } from './problems.js';
import { VISIBLE_ASCII_KEY } from './validation.js';

/**
 * `date` as business time: ISO 8601 in `timeZone` with milliseconds and a numeric
 * offset, e.g. `2026-11-21T22:18:00.000+03:00` (always `±hh:mm`, never `Z`).
 */
export function businessTime(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ");
}

/** A single header's value; `undefined` when absent. @throws HttpProblem 400 when repeated or not a key. */
export function keyHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !VISIBLE_ASCII_KEY.test(value)) {
    throw validationFailed([{ field: name, message: 'must be one header of 1–128 visible ASCII characters' }]);
  }
  return value;
}

/**
 * The command context of a request:
 * - `tenantId`: the token's tenant (never the body's or a header's);
 * - `actor`: `user:<sub>`;
 * - `correlationId`: the request id (`X-Request-Id` when sent, else a generated UUID);
 * - `commandId`: a random UUID (a request with an `Idempotency-Key` runs with the key's
 *   command id instead, see `claimIdempotencyKey`); it becomes the causation id of the
 *   events the command appends;
 * - `occurredAt`: `now` as business time in `timeZone` (see `businessTime`).
 * @throws HttpProblem 400 `validation-failed` (field `x-request-id`) when that header is
 *   not 1–128 visible ASCII characters
 */
export function commandContext(request: FastifyRequest, principal: Principal, timeZone: string, now: Date): CommandContext {
  keyHeader(request, 'x-request-id');
  return {
    tenantId: principal.tenantId,
    actor: `user:${principal.subject}`,
    correlationId: request.id,
    commandId: randomUUID(),
    occurredAt: businessTime(now, timeZone),
  };
}
