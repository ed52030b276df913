import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { hasAnyRole, InvalidTokenError, verifyToken, type Principal, type Role, type TokenConfig } from './auth.js';
import { forbidden, unauthenticated } from './problems.js';

const principals = new WeakMap<FastifyRequest, Principal>();

const verified = new WeakMap<FastifyRequest, { readonly token: string; readonly outcome: Principal | InvalidTokenError }>();

/**
 * `verifyToken` of the request's bearer `token`, once per request: the rate limits (before
 * authentication, up to two limits per route) and `authenticate` all need it.
 * @throws InvalidTokenError as `verifyToken`
 */
export function verifyRequestToken(config: TokenConfig, request: FastifyRequest, token: string): Principal {
  const seen = verified.get(request);
  if (seen?.token === token) {
    if (seen.outcome instanceof InvalidTokenError) throw seen.outcome;
    return seen.outcome;
  }
  try {
    const principal = verifyToken(config, token);
    verified.set(request, { token, outcome: principal });
    return principal;
  } catch (error) {
    if (error instanceof InvalidTokenError) verified.set(request, { token, outcome: error });
    throw error;
  }
}

/**
 * An `onRequest` hook: reads `Authorization: Bearer <token>`, verifies it and records the
 * request's principal. Runs before the body is parsed, so an unauthenticated request
 * gets 401 whatever its body.
 * @throws HttpProblem 401 `unauthenticated` when the header is missing or malformed, or the
 *   token is invalid or expired
 */
export function authenticate(config: TokenConfig): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) throw unauthenticated('a bearer token is required (Authorization: Bearer <token>)', false);
    const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header);
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"', true);
    try {
      principals.set(request, verifyRequestToken(config, request, match[1]!));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error.message, true);
      throw error;
    }
    return Promise.resolve();
  };
}

/**
 * The principal `authenticate` recorded for this request.
 * @throws Error when the route is not behind `authenticate` (a wiring bug → 500)
 */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error(`no principal on ${request.method} ${request.url}: route not behind authenticate`);
  return principal;
}

/**
 * An `onRequest` hook (after `authenticate`) that lets through principals holding at
 * least one of `roles`.
 * @throws HttpProblem 403 `forbidden` otherwise
 */
export function requireRoles(roles: readonly Role[]): onRequestAsyncHookHandler {
  return async (request) => {
    if (!hasAnyRole(principalOf(request), roles)) throw forbidden(`this action requires the role ${roles.join(' or ')}`);
    return Promise.resolve();
  };
}
