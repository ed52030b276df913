import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { ShippingPolicy } from '../../domain/order/index.js';

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port number from 1 to 65535')
  .max(65535, 'expected a port number from 1 to 65535');

/** `TRUST_PROXY`: `false`, a hop count 1–10, or addresses / CIDR ranges separated by commas (see `Config.trustProxy`). */
const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 10) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = (entry: string) => {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  };
  if (entries.every(valid)) return entries;
  ctx.addIssue({ code: 'custom', message: 'expected false, a number of proxy hops (1-10), or proxy addresses / CIDR ranges separated by commas (true is refused)' });
  return z.NEVER;
});

const positiveMs = z.coerce.number({ error: 'expected milliseconds' }).int().positive('expected a positive number of milliseconds');

const requestCount = z.coerce
  .number({ error: 'expected a whole number of requests' })
  .int('expected a whole number of requests')
  .min(1, 'expected at least 1 request')
  .max(1_000_000, 'expected at most 1000000 requests');

/** Default requests per principal (or IP) per rate-limit window on every route but `/health`. */
export const DEFAULT_RATE_LIMIT_MAX = 600;
/** Default requests per principal (or IP) per window on the guessing targets (gift-cheque redeem, coupon apply). */
export const DEFAULT_RATE_LIMIT_STRICT_MAX = 10;

/**
 * Default retention of idempotency keys, in hours: 24, as Stripe's API does (keys may be
 * removed once at least 24 hours old; a key sent again after that is a new request:
 * https://docs.stripe.com/api/idempotent_requests).
 */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** The longest retention of idempotency keys accepted, in hours (10 years). */
export const MAX_IDEMPOTENCY_KEY_TTL_HOURS = 87_600;

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Europe/Istanbul');

/**
 * Amounts per currency, `CUR:minor` separated by commas (e.g. `TRY:4990,EUR:499`): a currency
 * is three capital letters (ISO 4217), an amount a whole number of minor units ≥ 0, each
 * currency at most once. Empty → no currency.
 */
const minorPerCurrency = z
  .string()
  .transform((value, ctx) => {
    const amounts: Record<string, number> = {};
    for (const entry of value.split(',').map((e) => e.trim())) {
      const match = /^([A-Z]{3}):(\d{1,15})$/.exec(entry);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `expected CUR:minor entries such as TRY:4990, separated by commas; bad entry ${JSON.stringify(entry)}` });
        return z.NEVER;
      }
      const [, currency, minor] = match as unknown as [string, string, string];
      if (Object.hasOwn(amounts, currency)) {
        ctx.addIssue({ code: 'custom', message: `${currency} is listed twice` });
        return z.NEVER;
      }
      amounts[currency] = Number(minor);
    }
    return amounts;
  });

/**
 * The environment the process reads, once, at start. Names and defaults:
 * - `PORT` (3000), `HOST` (127.0.0.1): where the HTTP server listens.
 * - `DATABASE_URL`: a PostgreSQL URL; absent → an embedded PostgreSQL in `DATA_DIR`.
 * - `DATA_DIR` (`./.data`): the embedded database's folder, kept across restarts.
 * - `EMBEDDED_PG_PORT` (54329): the embedded PostgreSQL's TCP port on 127.0.0.1.
 * - `JWT_SECRET`: HS256 key for bearer tokens (≥ 32 characters); a fixed development
 *   key is used when unset and `NODE_ENV` is not `production`.
 * - `JWT_ISSUER` (`commerce-core`): the `iss` tokens must carry.
 * - `JWT_AUDIENCE` (`commerce-core`): the `aud` tokens must carry (tokens minted for another service are refused).
 * - `LOG_LEVEL` (`info`): pino level.
 * - `BUSINESS_TIME_ZONE` (`Europe/Istanbul`): the offset written into events' business time.
 * - `QUERY_WAIT_MAX_MS` (5000): longest a query waits for a read model to reach a position.
 * - `QUERY_CACHE_TTL_MS` (60000): how long a cached query answer is kept (answers are keyed by position).
 * - `PROJECTION_BATCH_SIZE` (1000), `PROJECTION_BATCH_MS` (500): most events, and longest time, per projector transaction.
 * - `REDIS_URL`: optional; the query cache and the rate limits are shared through it by every
 *   instance, and fall back to in-process ones without it or while it does not answer.
 * - `RATE_LIMIT_WINDOW_MS` (60000), `RATE_LIMIT_MAX` (600), `RATE_LIMIT_STRICT_MAX` (10): requests
 *   per window per principal (tenant + subject; per IP without a valid token), on every route
 *   but `/health`, and on the guessing targets (gift-cheque redeem, coupon apply); more → 429.
 * - `RATE_LIMIT_KEY_PREFIX` (`commerce-core:rate-limit:`): prefix of the rate-limit counters' Redis keys.
 * - `TRUST_PROXY` (`false`): which proxies' `X-Forwarded-For` gives the client address (the
 *   per-IP rate limit of callers without a valid token, the logs): `false` (none: the peer is
 *   the client), a number of proxy hops in front of the service, or a comma-separated list of
 *   proxy addresses or CIDR ranges (Fastify's `trustProxy`, https://fastify.dev/docs/latest/Reference/Server/#trustproxy).
 *   `true` (trust any sender) is refused: any caller could then choose its own address.
 * - `EVENTSTORE_URL`: optional `esdb://` URL; set → the event log is in EventStoreDB, else in PostgreSQL.
 * - `IDEMPOTENCY_KEY_TTL_HOURS` (24): how long an `Idempotency-Key` is remembered after its
 *   first use; older keys count as never used and may be pruned (see `DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS`).
 * - `SHIPPING_FEES` (none): flat shipping fee per currency in minor units, e.g. `TRY:4990,EUR:499`,
 *   charged on checkouts that do not state their shipping (every customer checkout); a currency
 *   without a fee → such a checkout is refused (422 `shipping-unavailable`). `TRY:0` ships free.
 * - `FREE_SHIPPING_FROM` (none): subtotal after discount, in minor units per currency, from which
 *   shipping is free, e.g. `TRY:50000`.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    EMBEDDED_PG_PORT: port.default(54329),
    JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('commerce-core'),
    JWT_AUDIENCE: z.string().min(1).default('commerce-core'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BUSINESS_TIME_ZONE: timeZone.default('Europe/Istanbul'),
    QUERY_WAIT_MAX_MS: positiveMs.default(5000),
    QUERY_CACHE_TTL_MS: positiveMs.default(60_000),
    PROJECTION_BATCH_SIZE: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(100_000).default(1000),
    PROJECTION_BATCH_MS: positiveMs.default(500),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'expected a redis:// URL')
      .optional(),
    RATE_LIMIT_WINDOW_MS: positiveMs.default(60_000),
    RATE_LIMIT_MAX: requestCount.default(DEFAULT_RATE_LIMIT_MAX),
    RATE_LIMIT_STRICT_MAX: requestCount.default(DEFAULT_RATE_LIMIT_STRICT_MAX),
    RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(200).default('commerce-core:rate-limit:'),
    TRUST_PROXY: trustProxy.default(false),
    EVENTSTORE_URL: z
      .string()
      .regex(/^esdb(\+discover)?:\/\/[^/\s]+/, 'expected an esdb:// or esdb+discover:// URL')
      .optional(),
    IDEMPOTENCY_KEY_TTL_HOURS: z.coerce
      .number({ error: 'expected a whole number of hours' })
      .int('expected a whole number of hours')
      .min(1, 'expected at least 1 hour')
      .max(MAX_IDEMPOTENCY_KEY_TTL_HOURS, `expected at most ${MAX_IDEMPOTENCY_KEY_TTL_HOURS} hours (10 years)`)
      .default(DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS),
    SHIPPING_FEES: minorPerCurrency.default({}),
    FREE_SHIPPING_FROM: minorPerCurrency.default({}),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required when NODE_ENV=production' });
    }
  });

/** A development-only signing key; refused in production (see schema). */
const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production';

/** The validated configuration. Times in milliseconds; `dataDir` absolute. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly jwtSecret: string;
  readonly jwtIssuer: string;
  /** The `aud` tokens must carry (and minted tokens carry). */
  readonly jwtAudience: string;
  readonly logLevel: string;
  readonly businessTimeZone: string;
  readonly queryWaitMaxMs: number;
  /** Time to live of cached query answers (ms). */
  readonly queryCacheTtlMs: number;
  /** Most events per projector transaction. */
  readonly projectionBatchSize: number;
  /** Longest a projector transaction keeps taking events (ms). */
  readonly projectionBatchMs: number;
  readonly redisUrl: string | undefined;
  /** Rate-limit window (ms). */
  readonly rateLimitWindowMs: number;
  /** Requests per principal (or IP) per window on every route but `/health`. */
  readonly rateLimitMax: number;
  /** Requests per principal (or IP) per window on the guessing targets (gift-cheque redeem, coupon apply). */
  readonly rateLimitStrictMax: number;
  /** Prefix of the rate-limit counters' Redis keys. */
  readonly rateLimitKeyPrefix: string;
  /** Proxies trusted for `X-Forwarded-For` (Fastify's `trustProxy`): none, a hop count, or addresses / CIDR ranges. */
  readonly trustProxy: false | number | string[];
  /** `esdb://…`: the event log is in EventStoreDB; undefined → PostgreSQL. */
  readonly eventStoreUrl: string | undefined;
  /** Hours an idempotency key is remembered after its first use (then treated as unused, and prunable). */
  readonly idempotencyKeyTtlHours: number;
  /** How shipping is priced when a checkout does not state it (`SHIPPING_FEES`, `FREE_SHIPPING_FROM`). */
  readonly shipping: ShippingPolicy;
}

/** Thrown by `loadConfig` with one line per bad variable: `NAME: reason (got "value")`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Reads and validates the configuration from an environment (default `process.env`).
 * Empty strings count as unset.
 * @throws ConfigError naming every variable that is invalid
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = present[name];
        return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    jwtSecret: e.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    jwtIssuer: e.JWT_ISSUER,
    jwtAudience: e.JWT_AUDIENCE,
    logLevel: e.LOG_LEVEL,
    businessTimeZone: e.BUSINESS_TIME_ZONE,
    queryWaitMaxMs: e.QUERY_WAIT_MAX_MS,
    queryCacheTtlMs: e.QUERY_CACHE_TTL_MS,
    projectionBatchSize: e.PROJECTION_BATCH_SIZE,
    projectionBatchMs: e.PROJECTION_BATCH_MS,
    redisUrl: e.REDIS_URL,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
    rateLimitMax: e.RATE_LIMIT_MAX,
    rateLimitStrictMax: e.RATE_LIMIT_STRICT_MAX,
    rateLimitKeyPrefix: e.RATE_LIMIT_KEY_PREFIX,
    trustProxy: e.TRUST_PROXY,
    eventStoreUrl: e.EVENTSTORE_URL,
    idempotencyKeyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS,
    shipping: { fees: e.SHIPPING_FEES, freeFrom: e.FREE_SHIPPING_FROM },
  };
}
