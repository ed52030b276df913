import { createHash, randomUUID } from 'node:crypto';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Logger } from 'pino';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS } from '../config/config.js';
import { HttpProblem, problem, toJson } from './problems.js';

/**
 * The fingerprint of a command request: SHA-256 (hex) of the route, the caller's subject
 * and the validated body as JSON. The body is the schema's output, whose keys follow the
 * schema (not the client's order) and whose defaults are filled, so the same request sent
 * again gives the same fingerprint.
 */
export function requestFingerprint(route: string, subject: string, input: unknown): string {
  return createHash('sha256').update(`${route}\u0000${subject}\u0000${JSON.stringify(input)}`).digest('hex');
}

/** The first answer to a keyed request: its HTTP status and JSON body (a problem document for 4xx). */
export interface IdempotentResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What claiming an `Idempotency-Key` gives its request. */
export interface IdempotencyClaim {
  /**
   * The command id to run the request with (`CommandContext.commandId`, from which the
   * events' ids derive): a fresh UUID when the key is new or expired, else the one of the
   * key's first request (the key itself for keys claimed before migration 0011).
   */
  readonly commandId: string;
  /** The first request's answer once stored (`recordIdempotentResponse`): replay it, do not run the command. */
  readonly response?: IdempotentResponse;
}

/**
 * Claims `key` of `tenantId` for the request with `fingerprint`: the first use records it
 * (table `idempotency_keys`, migrations 0010 and 0011) with a fresh command id; a later use
 * with the same fingerprint (a retry) gets that command id and, once stored, the first
 * answer; a use with another fingerprint is refused, as the IETF draft "The
 * Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header, section
 * 2.7) has it: the same key with a different request payload gets 422. A key first used
 * more than `ttlHours` ago has expired: it counts as never used, and this use records it
 * afresh for its own request, with a new command id and no answer (whether or not
 * `pruneIdempotencyKeys` removed it yet). One statement, safe under concurrent first uses
 * (the primary key decides which fingerprint and command id are kept).
 * @param ttlHours how long a key is remembered (`IDEMPOTENCY_KEY_TTL_HOURS`, default 24)
 * @throws HttpProblem 422 `idempotency-key-reused` when the key was first used, less than
 *   `ttlHours` ago, for another request
 */
export async function claimIdempotencyKey(
  db: QueryExecutorProvider,
  tenantId: string,
  key: string,
  fingerprint: string,
  ttlHours: number = DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS,
): Promise<IdempotencyClaim> {
  const expired = sql`idempotency_keys.first_seen_at < now() - make_interval(hours => ${ttlHours})`;
  const renew = (column: string) => sql`${sql.ref(column)} = case when ${expired} then excluded.${sql.ref(column)} else idempotency_keys.${sql.ref(column)} end`;
  const { rows } = await sql<{ request_fingerprint: string; command_id: string; response_status: number | null; response_body: unknown }>`
    insert into idempotency_keys (tenant_id, idempotency_key, request_fingerprint, command_id)
    values (${tenantId}, ${key}, ${fingerprint}, ${randomUUID()})
    on conflict (tenant_id, idempotency_key) do update set
      ${renew('request_fingerprint')}, ${renew('first_seen_at')}, ${renew('command_id')},
      ${renew('response_status')}, ${renew('response_body')}
    returning request_fingerprint, coalesce(command_id, idempotency_key) as command_id, response_status, response_body`.execute(db);
  const row = rows[0]!;
  if (row.request_fingerprint !== fingerprint) {
    throw new HttpProblem(
      problem('idempotency-key-reused', 422, 'Idempotency key reused', `Idempotency-Key ${key} was first used for another request; send a new key for a new request`, {
        field: 'idempotency-key',
      }),
    );
  }
  return row.response_status === null ? { commandId: row.command_id } : { commandId: row.command_id, response: { status: row.response_status, body: row.response_body } };
}

/**
 * Stores `response` as the answer to `key`'s request run with `commandId`, unless one is
 * stored already (the first answer wins) or the key has since been claimed afresh with
 * another command id (it expired meanwhile). Bigints in the body are stored as decimal strings.
 */
export async function recordIdempotentResponse(db: QueryExecutorProvider, tenantId: string, key: string, commandId: string, response: IdempotentResponse): Promise<void> {
  await sql`
    update idempotency_keys set response_status = ${response.status}, response_body = ${toJson(response.body)}::jsonb
    where tenant_id = ${tenantId} and idempotency_key = ${key} and coalesce(command_id, idempotency_key) = ${commandId} and response_status is null`.execute(db);
}

/** What `pruneIdempotencyKeys` removed: `pruned` keys (all tenants) first used before `before`. */
export interface IdempotencyKeysPruned {
  readonly pruned: number;
  /** The cut-off, the database's `now()` less the hours given. */
  readonly before: Date;
}

/**
 * Deletes the idempotency keys (every tenant's) first used more than `olderThanHours` ago.
 * Those are already treated as unused by `claimIdempotencyKey` when `olderThanHours` is the
 * TTL it is given; pruning keeps `idempotency_keys` to about a TTL's worth of keys.
 * Pruning younger keys (fewer hours than the TTL) ends their retry protection early.
 * @param olderThanHours a positive whole number of hours
 */
export async function pruneIdempotencyKeys(db: QueryExecutorProvider, olderThanHours: number): Promise<IdempotencyKeysPruned> {
  const { rows } = await sql<{ pruned: number; before: Date }>`
    with cutoff as (select now() - make_interval(hours => ${olderThanHours}) as before),
         gone as (delete from idempotency_keys where first_seen_at < (select before from cutoff) returning 1)
    select (select count(*) from gone)::int as pruned, (select before from cutoff) as before`.execute(db);
  return rows[0]!;
}

/** A running periodic prune; `stop()` ends it (waiting for a prune in progress). */
export interface IdempotencyKeyPruner {
  stop(): Promise<void>;
}

/**
 * Prunes the keys older than `ttlHours` now and then every `everyMs` (default one hour),
 * logging what it removed (info) or why it failed (error; the next run tries again). The
 * timer does not keep the process alive.
 */
export function startIdempotencyKeyPruner(deps: { db: QueryExecutorProvider; ttlHours: number; logger: Logger; everyMs?: number }): IdempotencyKeyPruner {
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = pruneIdempotencyKeys(deps.db, deps.ttlHours).then(
      ({ pruned, before }) => {
        if (pruned > 0) deps.logger.info({ pruned, before }, 'idempotency keys pruned');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'pruning idempotency keys failed'),
    );
  };
  prune();
  const timer = setInterval(prune, deps.everyMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
