import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CommandHandler } from '../../application/command-handler.js';
import type { Config } from '../config/config.js';
import type { ReadModelSchema } from '../database/schema.js';
import { commandRoutes } from './command-routes.js';
import type { HttpDependencies } from './deps.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { registerOpenApi } from './openapi.js';
import { problem, sendProblem, validationFailed } from './problems.js';
import { queryRoutes } from './query-routes.js';
import { registerRateLimits } from './rate-limit.js';
import { prototypePoisoningKeys } from './validation.js';

/** What `buildServer` needs. */
export interface ServerDependencies {
  readonly config: Config;
  readonly db: Kysely<ReadModelSchema>;
  readonly handler: CommandHandler;
  /** Request logging; `false` or absent: none. */
  readonly logger?: Logger | false;
  /** Business-time clock for commands' `occurredAt` (default: the wall clock). */
  readonly now?: () => Date;
}

/** Largest request body: 1 MiB (larger → 413 `payload-too-large`). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** A body parser in callback style (as Fastify's default JSON parser is). */
type JsonParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * The JSON body parser: Fastify's own (malformed → 400 `malformed-json`, empty → 400), then a
 * body with a key that could poison prototypes (`__proto__`, `constructor.prototype`) is
 * refused as 400 `validation-failed` naming the key ("is not a known field", as any unknown
 * field), instead of Fastify's default, which answers such a body as malformed JSON. The
 * parsed value never reaches a hook or handler then: nothing reads or copies it.
 */
function jsonBodyParser(parse: JsonParser): JsonParser {
  return (request, body, done) => {
    parse(request, body, (error, value: unknown) => {
      if (error) return done(error, undefined);
      const keys = prototypePoisoningKeys(value);
      if (keys.length > 0) return done(validationFailed(keys.map((field) => ({ field, message: 'is not a known field' }))), undefined);
      done(null, value);
    });
  };
}

/** `Config.trustProxy` as Fastify takes it: a hop count becomes "the first N hops" (as proxy-addr reads a number). */
function trustedProxies(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

/**
 * Builds the HTTP API (not listening: the caller calls `listen`, or `inject` in tests).
 * - `GET /health` → 200 `{ status: 'ok' }`, public;
 * - `GET /openapi.json` → the OpenAPI 3.1 document of every route (`registerOpenApi`), public;
 * - `POST /commands/...` (`commandRoutes`) and `GET /queries/...` (`queryRoutes`), bearer token required;
 * - unknown routes → 404 `not-found`; a request arriving while the server closes → 503
 *   `shutting-down` with `Retry-After: 1`; every error is `application/problem+json`;
 * - every route but `/health` rate-limited per principal, else per IP (`registerRateLimits`):
 *   over the limit → 429 `rate-limited` with `Retry-After`.
 * Request ids come from `X-Request-Id` when sent, else a random UUID; they are the
 * commands' correlation ids and are echoed in the `X-Request-Id` response header.
 */
export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const common = {
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    // The client address behind the proxies the operator trusts (TRUST_PROXY), else the peer.
    trustProxy: trustedProxies(deps.config.trustProxy),
    // Requests arriving while the server closes get our 503 problem (below), not Fastify's plain JSON.
    return503OnClosing: false,
    // Errors raised before routing (undecodable URL, over-long parameter) are problems too.
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      errorHandler(error, request, reply);
    },
  } as const;
  const server: FastifyInstance = deps.logger ? (Fastify({ ...common, loggerInstance: deps.logger }) as unknown as FastifyInstance) : Fastify({ ...common, logger: false });

  // JSON only: a text/plain body is 415, not a string that fails validation.
  server.removeContentTypeParser(['text/plain']);
  server.removeContentTypeParser(['application/json']);
  server.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(server.getDefaultJsonParser('ignore', 'ignore') as JsonParser));
  server.setErrorHandler(errorHandler);
  server.setNotFoundHandler(notFoundHandler);
  let closing = false;
  server.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  server.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (!closing) return done();
    // Shutting down: answered at once, nothing run; the client retries (on another instance).
    reply.header('connection', 'close');
    sendProblem(reply, problem('shutting-down', 503, 'Service shutting down', 'the service is stopping; send the request again', {}), { 'retry-after': '1' });
  });
  await registerRateLimits(server, deps.config);
  await registerOpenApi(server); // before the routes: it collects them

  server.get('/health', () => Promise.resolve({ status: 'ok' }));

  const routeDeps: HttpDependencies = { config: deps.config, db: deps.db, handler: deps.handler, now: deps.now ?? (() => new Date()) };
  await server.register(commandRoutes, { ...routeDeps, prefix: '/commands' });
  await server.register(queryRoutes, { ...routeDeps, prefix: '/queries' });
  return server;
}
