/**
 * The HTTP API: `buildServer` (Fastify; `/health`, `/commands/*`, `/queries/*`) and the
 * bearer-token helpers the CLI uses (`mintToken`, `verifyToken`).
 */
export { buildServer, BODY_LIMIT_BYTES, type ServerDependencies } from './server.js';
export { mintToken, verifyToken, InvalidTokenError, ROLES, TENANT_PATTERN, type MintTokenInput, type Principal, type Role, type TokenConfig } from './auth.js';
export { PROBLEM_TYPE_BASE, PROBLEM_CONTENT_TYPE, type Problem, type FieldError } from './problems.js';
export type { CommandResponse } from './command-routes.js';
export type { QueryResponse } from './read-snapshot.js';
