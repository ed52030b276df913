import { createHash } from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import { HttpProblem, problem } from './problems.js';

/**
 * The fingerprint of a command request: SHA-256 (hex) of the route, the caller's subject
 * and the validated body as JSON. The body is the schema's output, whose keys follow the
 * schema (not the client's order) and whose defaults are filled, so the same request sent
 * again gives the same fingerprint.
 */
export function requestFingerprint(route: string, subject: string, input: unknown): string {
  return createHash('sha256').update(`${route}\u0000${subject}\u0000${JSON.stringify(input)}`).digest('hex');
}

/**
 * Claims `key` of `tenantId` for the request with `fingerprint`: the first use records it
 * (table `idempotency_keys`, migration 0010); a later use with the same fingerprint (a
 * retry) passes, and the command handler answers it with the first result (the key is the
 * command id); a use with another fingerprint is refused, as the IETF draft "The
 * Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header, section
 * 2.7) has it: the same key with a different request payload gets 422. One statement,
 * safe under concurrent first uses (the primary key decides which fingerprint is kept).
 * @throws HttpProblem 422 `idempotency-key-reused` when the key was first used for another request
 */
export async function claimIdempotencyKey(db: QueryExecutorProvider, tenantId: string, key: string, fingerprint: string): Promise<void> {
  const { rows } = await sql<{ request_fingerprint: string }>`
    insert into idempotency_keys (tenant_id, idempotency_key, request_fingerprint) values (${tenantId}, ${key}, ${fingerprint})
    on conflict (tenant_id, idempotency_key) do update set request_fingerprint = idempotency_keys.request_fingerprint
    returning request_fingerprint`.execute(db);
  if (rows[0]!.request_fingerprint !== fingerprint) {
    throw new HttpProblem(
      problem('idempotency-key-reused', 422, 'Idempotency key reused', `Idempotency-Key ${key} was first used for another request; send a new key for a new request`, {
        field: 'idempotency-key',
      }),
    );
  }
}
