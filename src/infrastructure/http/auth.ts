import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { z } from 'zod';
import type { Config } from '../config/config.js';

/** Roles the service knows. `admin` manages the tenant; `customer` shops for themself. */
export const ROLES = ['customer', 'admin'] as const;

/** One of `ROLES`. */
export type Role = (typeof ROLES)[number];

/** A tenant id as tokens carry it: `^[a-z0-9][a-z0-9_-]{0,62}$`. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Who a verified token speaks for: its `sub`, its `tenant` (the only source of the
 * tenant for a request) and its known roles (unknown role names are dropped).
 */
export interface Principal {
  readonly subject: string;
  readonly tenantId: string;
  readonly roles: readonly Role[];
}

/** The part of `Config` tokens need: the HS256 key, the required issuer and audience. */
export type TokenConfig = Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>;

/** Input of `mintToken`. */
export interface MintTokenInput {
  readonly tenantId: string;
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Lifetime from now, a positive whole number of seconds. */
  readonly expiresInSeconds: number;
}

/** Why `verifyToken` refused a token: `expired`, or `invalid` (signature, issuer, algorithm, claims, shape). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const SUBJECT = /^[^\p{Cc}]{1,256}$/u;

/** Longest lifetime of a token (`exp` − `iat`), minted or accepted: a year, in seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

/** Clock skew allowed between the token's issuer and this service on `exp`, `nbf` and `iat`: 30 s. */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

const claims = z.object({
  sub: z.string().regex(SUBJECT),
  tenant: z.string().regex(TENANT_PATTERN),
  roles: z.array(z.string().max(64)).max(32),
  iat: z.number(),
  exp: z.number(),
});

/**
 * Signs an HS256 bearer token with `iss` = `config.jwtIssuer`, `aud` = `config.jwtAudience`,
 * `sub`, `tenant`, `roles`, `iat` and `exp` = now + `expiresInSeconds` (used by the CLI's
 * `token` command).
 * @throws Error when the tenant id or subject is invalid, no role or an unknown one is given,
 *   or the lifetime is not 1 s to a year (`MAX_TOKEN_LIFETIME_SECONDS`)
 */
export function mintToken(config: TokenConfig, input: MintTokenInput): string {
  if (!TENANT_PATTERN.test(input.tenantId)) throw new Error(`invalid tenant id ${JSON.stringify(input.tenantId)}: expected ${TENANT_PATTERN.source}`);
  if (!SUBJECT.test(input.subject)) throw new Error('invalid subject: expected 1–256 characters without control characters');
  if (input.roles.length === 0) throw new Error(`at least one role is needed (known: ${ROLES.join(', ')})`);
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`unknown roles: ${unknown.join(', ')} (known: ${ROLES.join(', ')})`);
  if (!Number.isSafeInteger(input.expiresInSeconds) || input.expiresInSeconds <= 0 || input.expiresInSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new Error(`expiresInSeconds must be a whole number from 1 to ${MAX_TOKEN_LIFETIME_SECONDS} (a year), got ${input.expiresInSeconds}`);
  }
  const sign = createSigner({
    key: config.jwtSecret,
    algorithm: 'HS256',
    iss: config.jwtIssuer,
    aud: config.jwtAudience,
    sub: input.subject,
    expiresIn: input.expiresInSeconds * 1000,
  });
  return sign({ tenant: input.tenantId, roles: [...new Set(input.roles)] });
}

const verifiers = new WeakMap<TokenConfig, (token: string) => unknown>();

function verifierFor(config: TokenConfig): (token: string) => unknown {
  let verify = verifiers.get(config);
  if (!verify) {
    verify = createVerifier({
      key: config.jwtSecret,
      algorithms: ['HS256'],
      allowedIss: config.jwtIssuer,
      allowedAud: config.jwtAudience,
      maxAge: MAX_TOKEN_LIFETIME_SECONDS * 1000,
      clockTolerance: TOKEN_CLOCK_TOLERANCE_SECONDS * 1000,
      requiredClaims: ['iss', 'aud', 'iat', 'exp', 'sub', 'tenant', 'roles'],
    }) as (token: string) => unknown;
    verifiers.set(config, verify);
  }
  return verify;
}

/**
 * Verifies a bearer token: HS256 signature with `config.jwtSecret`, `iss` equal to
 * `config.jwtIssuer`, `aud` equal to (or, as an array, holding) `config.jwtAudience`, `iat`
 * present and not in the future, `exp` present and in the future, at most
 * `MAX_TOKEN_LIFETIME_SECONDS` after `iat` (`nbf` honoured when present; every time check
 * allows `TOKEN_CLOCK_TOLERANCE_SECONDS` of skew), `sub` a string, `tenant` matching
 * `TENANT_PATTERN`, `roles` an array of strings.
 * @returns the principal
 * @throws InvalidTokenError `expired` or `invalid`
 */
export function verifyToken(config: TokenConfig, token: string): Principal {
  let payload: unknown;
  try {
    payload = verifierFor(config)(token);
  } catch (error) {
    if (error instanceof TokenError && error.code === TokenError.codes.expired) throw new InvalidTokenError('expired', 'the token has expired');
    throw new InvalidTokenError('invalid', 'the token is not valid');
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw new InvalidTokenError('invalid', 'the token does not carry valid sub, tenant and roles claims');
  const { iat, exp } = parsed.data;
  if (iat > Date.now() / 1000 + TOKEN_CLOCK_TOLERANCE_SECONDS) throw new InvalidTokenError('invalid', 'the token is issued in the future (iat)');
  if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS) throw new InvalidTokenError('invalid', 'the token lives longer than a year (exp - iat)');
  const roles = ROLES.filter((r) => parsed.data.roles.includes(r));
  return { subject: parsed.data.sub, tenantId: parsed.data.tenant, roles };
}

/** Whether the principal holds at least one of `roles`. */
export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((r) => roles.includes(r));
}

/** Whether the principal is an admin of its tenant (acts for any customer in it). */
export function isAdmin(principal: Principal): boolean {
  return principal.roles.includes('admin');
}
