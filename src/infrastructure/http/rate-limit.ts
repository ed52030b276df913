import { createRequire } from 'node:module';
import fastifyRateLimit, { normalizeIP, type FastifyRateLimitStore, type FastifyRateLimitStoreCtor, type errorResponseBuilderContext } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { verifyRequestToken } from './guard.js';
import { HttpProblem, problem } from './problems.js';

/** The part of `Config` the rate limits need. */
export type RateLimitConfig = Pick<
  Config,
  'redisUrl' | 'rateLimitWindowMs' | 'rateLimitMax' | 'rateLimitStrictMax' | 'rateLimitKeyPrefix' | 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'
>;

/** Routes where codes can be guessed, limited to `rateLimitStrictMax` requests per window. */
export const GUESSING_TARGETS: ReadonlySet<string> = new Set(['/commands/gift-cheques/redeem', '/commands/baskets/apply-coupon']);

/** Routes never limited (load balancers' probes). */
const UNLIMITED: ReadonlySet<string> = new Set(['/health']);

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

// The plugin's own counters: its Redis store (one Lua script: INCR + PEXPIRE, atomic, shared
// by every instance) and its in-process LRU store. Not in the package's typings.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => FastifyRateLimitStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => FastifyRateLimitStore;

/**
 * A store counting in Redis while it is ready, else (not configured, not started, down, a
 * call failed) in this process, logging why once per fall-back. ioredis reconnects in the
 * background and Redis is used again once it is ready; counts made in-process meanwhile
 * are not carried over.
 */
function fallbackStore(config: RateLimitConfig, log: FastifyInstance['log']): { store: FastifyRateLimitStoreCtor; ready(timeoutMs: number): Promise<void>; close(): void } {
  const local = new LocalStore(false, false, 10_000);
  if (!config.redisUrl) {
    log.info('rate limits: REDIS_URL not set; counting in this process (each instance has its own limits)');
    return { store: class { incr = local.incr.bind(local); child = () => this; }, ready: () => Promise.resolve(), close: () => undefined };
  }
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  const shared = new RedisStore(false, false, redis, config.rateLimitKeyPrefix);
  let degraded = false;
  const fallBack = (reason: string) => {
    if (degraded) return;
    degraded = true;
    log.warn(`rate limits: ${reason}; counting in this process until Redis answers`);
  };
  redis.on('error', (error: Error) => fallBack(`redis unreachable (${error.message})`));
  redis.on('ready', () => {
    if (degraded) log.info('rate limits: redis is back; counting in Redis');
    degraded = false;
  });
  redis.connect().catch((error: unknown) => fallBack(`redis unreachable (${error instanceof Error ? error.message : String(error)})`));
  const incr = (key: string, callback: Callback, timeWindow: number, max: number) => {
    if (redis.status !== 'ready') {
      fallBack(`redis not ready (${redis.status})`);
      return local.incr(key, callback, timeWindow, max);
    }
    shared.incr(
      key,
      (error, result) => {
        if (!error) return callback(null, result);
        fallBack(`redis call failed (${error.message})`);
        local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  };
  return {
    store: class { incr = incr; child = () => this; },
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (redis.status !== 'ready' && !degraded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (redis.status !== 'ready') fallBack(`redis not ready after ${timeoutMs} ms (${redis.status})`);
    },
    close: () => redis.disconnect(),
  };
}

/**
 * Whom a request counts against: `principal:<tenant>:<subject>` for a valid bearer token,
 * else `ip:<address>` (IPv6 by /64), prefixed by the limit's `scope`.
 */
function keyOf(config: RateLimitConfig, scope: string): (request: FastifyRequest) => string {
  return (request) => {
    const token = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token) {
      try {
        const principal = verifyRequestToken(config, request, token);
        return `${scope}:principal:${principal.tenantId}:${principal.subject}`;
      } catch {
        // An invalid token counts against its IP (and is answered 401 afterwards).
      }
    }
    return `${scope}:ip:${normalizeIP(request.ip)}`;
  };
}

/** 429 `rate-limited`; `Retry-After` and the `RateLimit-*` headers are set by the plugin. */
function rateLimited(_request: FastifyRequest, context: errorResponseBuilderContext): HttpProblem {
  return new HttpProblem(
    problem('rate-limited', 429, 'Too many requests', `more than ${context.max} requests in the rate-limit window; retry in ${context.after}`, {
      limit: context.max,
      retryAfterSeconds: Math.ceil(context.ttl / 1000),
    }),
  );
}

/**
 * Adds rate limits (`@fastify/rate-limit`) to every route but `/health`, as the first
 * `onRequest` hook after the request id (before authentication, so refused tokens count too):
 * `rateLimitMax` requests per `rateLimitWindowMs` per principal (tenant + subject of a valid
 * bearer token, else per IP), and `rateLimitStrictMax` on `GUESSING_TARGETS` (counted apart
 * from the rest). Counters live in Redis (`redisUrl`, keys prefixed `rateLimitKeyPrefix`),
 * shared by every instance; without Redis, or while it does not answer, in this process
 * (the reason is logged). Waits at most 1 s for Redis at start. Each answer carries
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds); over the limit:
 * 429 `application/problem+json` type `rate-limited` with `Retry-After` (seconds).
 * The Redis connection is closed with the server.
 */
export async function registerRateLimits(server: FastifyInstance, config: RateLimitConfig): Promise<void> {
  const counters = fallbackStore(config, server.log);
  server.addHook('onClose', () => counters.close());
  await counters.ready(1000);
  await server.register(fastifyRateLimit, {
    global: false,
    store: counters.store,
    enableDraftSpec: true,
    timeWindow: config.rateLimitWindowMs,
    errorResponseBuilder: rateLimited,
  });
  const general = server.rateLimit({ max: config.rateLimitMax, keyGenerator: keyOf(config, 'all') });
  const strict = server.rateLimit({ max: config.rateLimitStrictMax, keyGenerator: keyOf(config, 'guess') });
  server.addHook('onRequest', async function (request, reply) {
    const url = request.routeOptions.url ?? '';
    if (UNLIMITED.has(url)) return;
    await (GUESSING_TARGETS.has(url) ? strict : general).call(this, request, reply);
  });
}
