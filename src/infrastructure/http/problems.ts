import type { FastifyReply } from 'fastify';

/** Prefix of every problem `type`: `https://commerce-core.dev/problems/<code>`. */
export const PROBLEM_TYPE_BASE = 'https://commerce-core.dev/problems/';

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem document. `type` is `PROBLEM_TYPE_BASE + code` and stable;
 * `code` repeats the last segment so clients can switch on it. Extension members
 * (`field`, `errors`, `details`, `position`, `requestId`, …) depend on the problem.
 */
export interface Problem {
  readonly type: string;
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

/** One failing input of a `validation-failed` problem: dotted path (e.g. `price.minor`) and why. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * Builds a problem document.
 * @param code kebab-case, stable (becomes the `type`'s last segment)
 * @param status HTTP status code
 * @param extensions extra members, merged last (cannot override the standard ones)
 */
export function problem(code: string, status: number, title: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const standard = { type: `${PROBLEM_TYPE_BASE}${code}`, code, title, status, detail };
  const extra = Object.fromEntries(Object.entries(extensions).filter(([key]) => !Object.hasOwn(standard, key)));
  return { ...standard, ...extra };
}

/**
 * An error that is already an HTTP answer: thrown by hooks and handlers, turned into
 * its problem document (plus `headers`) by the error handler as is.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail);
  }
}

/** 400 `validation-failed`: `field` is the first failing path, `errors` lists every one. */
export function validationFailed(errors: readonly FieldError[]): HttpProblem {
  const first = errors[0] ?? { field: '', message: 'invalid request' };
  const where = first.field === '' ? 'the request' : first.field;
  return new HttpProblem(problem('validation-failed', 400, 'Validation failed', `${where}: ${first.message}`, { field: first.field, errors }));
}

/** 401 `unauthenticated` with the RFC 6750 `WWW-Authenticate` challenge (`invalid_token` when a token was sent). */
export function unauthenticated(detail: string, tokenSent: boolean): HttpProblem {
  const challenge = tokenSent ? 'Bearer realm="commerce-core", error="invalid_token"' : 'Bearer realm="commerce-core"';
  return new HttpProblem(problem('unauthenticated', 401, 'Unauthenticated', detail), { 'www-authenticate': challenge });
}

/** 403 `forbidden`: authenticated, but not allowed to do this. */
export function forbidden(detail: string): HttpProblem {
  return new HttpProblem(problem('forbidden', 403, 'Forbidden', detail));
}

/** 404 `not-found`: no such route, or no such resource visible to the caller. */
export function notFound(detail: string): HttpProblem {
  return new HttpProblem(problem('not-found', 404, 'Not found', detail));
}

/** 503 `read-model-behind` with `Retry-After: 1`: a projection did not reach `position` in time. */
export function readModelBehind(position: string, names: readonly string[], waitedMs: number): HttpProblem {
  return new HttpProblem(
    problem('read-model-behind', 503, 'Read model behind', `the read model (${names.join(', ')}) did not reach position ${position} within ${waitedMs} ms; retry`, {
      position,
      projections: names,
    }),
    { 'retry-after': '1' },
  );
}

/** JSON with bigints as decimal strings (a problem's `details` come from the domain). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Sends a problem as `application/problem+json` with its status and extra headers. */
export function sendProblem(reply: FastifyReply, body: Problem, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  return reply
    .code(body.status)
    .headers(headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(toJson({ ...body, requestId: reply.request.id }));
}
