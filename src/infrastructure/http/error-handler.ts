import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WrongExpectedRevisionError } from '../../application/ports/event-store.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { HttpProblem, notFound, problem, sendProblem, type Problem } from './problems.js';
import { MAX_JSON_DEPTH } from './validation.js';

/** A problem and the headers to send with it. */
export interface ProblemAnswer {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

/** Fastify's own request errors (content type parsing, limits) by code. */
const FASTIFY_ERRORS: Readonly<Record<string, { code: string; status: number; title: string; detail: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'malformed-json',
    status: 400,
    title: 'Malformed JSON',
    detail: `the body is not valid JSON, or nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: 'the body is empty; a JSON object is expected' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported-media-type',
    status: 415,
    title: 'Unsupported media type',
    detail: 'the body must be JSON (Content-Type: application/json)',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload-too-large', status: 413, title: 'Payload too large', detail: 'the body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad-request', status: 400, title: 'Bad request', detail: 'the Content-Length does not match the body' },
};

/** "insufficient-stock" → "Insufficient stock". */
function titleOf(code: string): string {
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function fastifyCode(error: unknown): { code: string | undefined; statusCode: number | undefined } {
  if (typeof error !== 'object' || error === null) return { code: undefined, statusCode: undefined };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return { code: typeof code === 'string' ? code : undefined, statusCode: typeof statusCode === 'number' ? statusCode : undefined };
}

/**
 * Maps any error to its problem:
 * - `HttpProblem` → itself;
 * - `DomainError` → 409 (`conflict`) or 422 (`unprocessable`), type = its code, its `details`;
 * - `WrongExpectedRevisionError` (retries exhausted) → 409 `concurrency-conflict`;
 * - Fastify's body errors → 400 `malformed-json` (also a body nested deeper than
 *   `MAX_JSON_DEPTH`, refused by the body parser), 413 `payload-too-large`,
 *   415 `unsupported-media-type`; other Fastify 4xx → that status, `bad-request`;
 * - anything else → 500 `internal-error`, with nothing of the error in the answer.
 */
export function problemFor(error: unknown): ProblemAnswer {
  if (error instanceof HttpProblem) return { problem: error.problem, headers: error.headers };
  if (error instanceof DomainError) {
    const status = error.kind === 'unprocessable' ? 422 : 409;
    return { problem: problem(error.code, status, titleOf(error.code), error.message, { details: error.details }), headers: {} };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return {
      problem: problem('concurrency-conflict', 409, 'Concurrency conflict', 'the resource kept changing while the command ran; retry it'),
      headers: {},
    };
  }
  const { code, statusCode } = fastifyCode(error);
  const known = code === undefined ? undefined : FASTIFY_ERRORS[code];
  if (known) return { problem: problem(known.code, known.status, known.title, known.detail), headers: {} };
  if (code?.startsWith('FST_') && statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return { problem: problem('bad-request', statusCode, STATUS_CODES[statusCode] ?? 'Bad request', 'the request could not be processed'), headers: {} };
  }
  return { problem: problem('internal-error', 500, 'Internal error', 'an unexpected error occurred; it has been logged'), headers: {} };
}

/**
 * Fastify error handler: answers every error as `application/problem+json` (see
 * `problemFor`). 5xx errors are logged at `error` with the error; the rest at `debug`.
 */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const answer = problemFor(error);
  if (answer.problem.status >= 500 && answer.problem.code !== 'read-model-behind') {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.debug({ problem: answer.problem.code }, 'request rejected');
  }
  return sendProblem(reply, answer.problem, answer.headers);
}

/**
 * Not-found handler. A path routed for other methods than the request's is answered 405
 * `method-not-allowed` with an `Allow` header listing those methods (RFC 9110 §15.5.6; a
 * `GET` route also answers `HEAD`); any other path 404 `not-found`.
 */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  const { server } = request;
  const allowed = server.supportedMethods.filter((method) => (server.findRoute({ method, url: request.url }) as unknown) !== null);
  if (allowed.length > 0) {
    const detail = `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`;
    return sendProblem(reply, problem('method-not-allowed', 405, 'Method not allowed', detail), { allow: allowed.join(', ') });
  }
  const answer = notFound(`no route ${request.method} ${path}`);
  return sendProblem(reply, answer.problem, answer.headers);
}
