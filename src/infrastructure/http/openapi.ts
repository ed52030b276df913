import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { Role } from './auth.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from './problems.js';
import { VISIBLE_ASCII_KEY } from './validation.js';

/**
 * What `GET /openapi.json` tells of one route, carried in the route's `config.openapi`: the
 * roles a bearer token needs (one of them), and the zod schemas the handler validates its
 * input with (the same objects: the document is generated from them, never copied).
 */
export interface RouteContract {
  readonly roles: readonly Role[];
  /** The JSON body (commands, `POST /queries/segments/recompute`). */
  readonly body?: z.ZodType;
  /** The querystring, an object schema: each key becomes a `query` parameter. */
  readonly querystring?: z.ZodType;
  /** The path parameters (`:sku` → `{sku}`), an object schema. */
  readonly params?: z.ZodType;
  /** A success may be 202 (work still settling: the two transfer routes) as well as 200. */
  readonly accepted?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's contract for the OpenAPI document (see `RouteContract`). */
    openapi?: RouteContract;
  }
}

/** Route options (`config.openapi`) carrying a route's contract: its roles and `inputs`; spread them into the route's options. */
export function documented(roles: readonly Role[], inputs: Omit<RouteContract, 'roles'> = {}): { config: { openapi: RouteContract } } {
  return { config: { openapi: { roles, ...inputs } } };
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): the input a client sends, before transforms. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** An RFC 9457 problem as `sendProblem` answers it (`problems.ts`); members beyond the standard ones depend on the problem. */
const problemSchema = z.looseObject({
  type: z.string().describe(`${PROBLEM_TYPE_BASE}<code>; stable`),
  code: z.string().describe('the last segment of `type`'),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string(),
  requestId: z.string().describe('the request id (also the `X-Request-Id` header)'),
  field: z.string().optional().describe('400 validation-failed, 403 of a body field, 422 of a field: the (first) failing field, dotted (`price.minor`)'),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('400 validation-failed: every failing field'),
  details: z.unknown().optional().describe('409/422 domain rejections: the rule’s figures'),
  limit: z.int().min(1).optional().describe('429: requests allowed per window'),
  retryAfterSeconds: z.int().min(0).optional().describe('429: as `Retry-After`'),
  position: z.string().optional().describe('503 read-model-behind: the position waited for'),
  projections: z.array(z.string()).optional().describe('503 read-model-behind: the read models behind'),
});

/** The body of a successful command (`CommandResponse` in command-routes.ts); some routes add members (`orderId`, `transferId`, `status`, …). */
const commandResponseSchema = z.looseObject({
  streamId: z.string().describe('the stream the command wrote, `<category>-<tenant>:<id>`'),
  revision: z.string().describe('that stream’s revision after the command, a decimal integer ("-1": no stream yet)'),
  position: z.string().nullable().describe('the latest `$all` position the command caused, `<commit>/<prepare>`; pass it as `?position=` to a query'),
});

/** The body of a successful query (`QueryResponse` in read-snapshot.ts). */
const queryResponseSchema = z.object({
  position: z.string().describe('the `$all` position the data reflects, `<commit>/<prepare>`'),
  data: z.unknown(),
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** What each problem status means here (the `type` tells which problem it is). */
const PROBLEM_STATUSES: Readonly<Record<number, string>> = {
  400: 'validation-failed (naming `field`), malformed-json or bad-request',
  401: 'unauthenticated: no bearer token, or an invalid one (`WWW-Authenticate`)',
  403: 'forbidden: the token has none of the roles, or the caller may not act on this',
  404: 'not-found: no such resource visible to the caller',
  405: 'method-not-allowed (`Allow` lists the methods)',
  409: 'a domain rule refused it in the current state (type = the rule), or concurrency-conflict',
  413: 'payload-too-large: the body is over 1 MiB',
  415: 'unsupported-media-type: the body must be application/json',
  422: 'a domain rule refused it as sent (type = the rule), or idempotency-key-reused',
  429: 'rate-limited (`Retry-After`)',
  500: 'internal-error',
  503: 'read-model-behind: the read model did not reach `?position=` in time (`Retry-After`)',
};

const COMMAND_PROBLEMS = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500];
const QUERY_PROBLEMS = [400, 401, 403, 404, 405, 429, 500, 503];
const BODY_PROBLEMS = [413, 415, 422];

function problemResponse(status: number) {
  return { description: PROBLEM_STATUSES[status] ?? 'a problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } };
}

function okResponse(description: string, schema: Record<string, unknown>) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * The Fastify-style route schema @fastify/swagger turns into the route's operation: its
 * inputs from the contract's zod schemas, `x-roles` and the roles in the description, bearer
 * auth (none on routes without a contract: `/health`, `/openapi.json`), and the responses.
 */
function operation(route: RouteOptions): Record<string, unknown> {
  const contract = route.config?.openapi;
  if (!contract) return { security: [], response: { 200: okResponse('OK', {}), 429: problemResponse(429) } };
  const isCommand = route.url.startsWith('/commands/');
  const statuses = isCommand ? COMMAND_PROBLEMS : [...new Set([...QUERY_PROBLEMS, ...(contract.body ? BODY_PROBLEMS : [])])].sort((a, b) => a - b);
  const success = isCommand
    ? { 200: okResponse('done', ref('CommandResponse')), ...(contract.accepted ? { 202: okResponse('accepted, still settling (`status: "pending"`); retry with the same request to follow it', ref('CommandResponse')) } : {}) }
    : { 200: okResponse('the data and the position it reflects', ref('QueryResponse')) };
  return {
    description: `Roles: ${contract.roles.join(' or ')}.`,
    'x-roles': [...contract.roles],
    ...(contract.body ? { body: jsonSchema(contract.body) } : {}),
    ...(contract.querystring ? { querystring: jsonSchema(contract.querystring) } : {}),
    ...(contract.params ? { params: jsonSchema(contract.params) } : {}),
    ...(isCommand ? { headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', pattern: VISIBLE_ASCII_KEY.source, description: 'makes the command safe to retry' } } } } : {}),
    response: { ...success, ...Object.fromEntries(statuses.map((status) => [status, problemResponse(status)])) },
  };
}

/**
 * Registers `GET /openapi.json` (public, no token): an OpenAPI 3.1 document of every route
 * registered on `server` after this call (collected by @fastify/swagger's `onRoute` hook;
 * Fastify's automatic `HEAD` twins of `GET` routes are left out), each described from its
 * `config.openapi` (`RouteContract`). Call it before registering the routes.
 */
export async function registerOpenApi(server: FastifyInstance): Promise<void> {
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'commerce-core',
        version: '0.1.0',
        description: 'Commands (`POST /commands/...`) and queries (`GET /queries/...`) of the event-sourced commerce core. Money is integer minor units with an ISO 4217 currency. Errors are `application/problem+json` (RFC 9457).',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 token with `tenant`, `sub` and `roles` (`npm run cli -- token`)' } },
        schemas: { Problem: jsonSchema(problemSchema), CommandResponse: jsonSchema(commandResponseSchema), QueryResponse: jsonSchema(queryResponseSchema) },
      },
      security: [{ bearerAuth: [] }],
    },
    convertConstToEnum: false,
    transform: ({ url, route }) => ({ url, schema: operation(route) }),
  });
  server.get('/openapi.json', () => Promise.resolve(server.swagger()));
}
