import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { CommandHandler } from '../../src/application/command-handler.js';
import { loadConfig, type Config } from '../../src/infrastructure/config/config.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { mintToken, type Role } from '../../src/infrastructure/http/auth.js';
import { buildServer } from '../../src/infrastructure/http/server.js';
import { Projector, catalogueProjection, salesProjection } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A server over a fresh database, with a real store, handler and projectors (not started). */
export interface Harness {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  readonly handler: CommandHandler;
  readonly config: Config;
  readonly server: FastifyInstance;
  readonly projectors: readonly Projector[];
  /** Applies every event to both read models. */
  catchUp(): Promise<void>;
  /** Rows in `events`. */
  eventCount(): Promise<number>;
  /** A valid token. */
  token(tenantId: string, subject: string, roles: readonly Role[]): string;
  /** POST a JSON body to `/commands/<path>` with a bearer token. */
  command(token: string, path: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** GET `/queries/<path>` with a bearer token. */
  query(token: string, path: string): Promise<LightMyRequestResponse>;
  /**
   * Stops everything, in order: the server (no new requests, in-flight ones finish), the
   * projectors, the store (its LISTEN connection), then drops the database (also when a
   * step before failed; that step's error is rethrown).
   */
  close(): Promise<void>;
}

/** Options of `createHarness`. */
export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly now?: () => Date;
  readonly handler?: (store: PostgresEventStore) => CommandHandler;
  readonly logger?: Logger;
}

/** The JWT secret of test configurations (≥ 32 characters). */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

/** Rate limits high enough for any suite (a suite about limits sets its own in `env`). */
const UNLIMITED_RATES = { RATE_LIMIT_MAX: '1000000', RATE_LIMIT_STRICT_MAX: '1000000' };

/**
 * Signs claims by hand (HS256) as a token issuer would, for tests of what `verifyToken`
 * accepts: `iss` and `aud` from `config` unless given (left out when `''`), `iat` now unless
 * `claims` or `clockTimestamp` say otherwise (none with `noIat`), `exp` = `iat` + `expiresInMs` when given.
 */
export function signToken(
  config: Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>,
  claims: Record<string, unknown>,
  options: { key?: string; iss?: string; aud?: string; expiresInMs?: number; clockTimestamp?: number; noIat?: boolean } = {},
): string {
  const iss = options.iss ?? config.jwtIssuer;
  const aud = options.aud ?? config.jwtAudience;
  return createSigner({
    key: options.key ?? config.jwtSecret,
    algorithm: 'HS256',
    ...(iss === '' ? {} : { iss }),
    ...(aud === '' ? {} : { aud }),
    ...(options.expiresInMs === undefined ? {} : { expiresIn: options.expiresInMs }),
    ...(options.clockTimestamp === undefined ? {} : { clockTimestamp: options.clockTimestamp }),
    noTimestamp: options.noIat ?? false,
  })(claims);
}

/** Builds the harness; `close()` stops everything and drops the database. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase(20);
  const store = new PostgresEventStore(database.pool);
  const handler = options.handler ? options.handler(store) : new CommandHandler(store);
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    JWT_ISSUER: 'commerce-core-test',
    BUSINESS_TIME_ZONE: 'Europe/Istanbul',
    QUERY_WAIT_MAX_MS: '2000',
    ...UNLIMITED_RATES,
    // Customer checkouts are priced by the shipping policy: free in TRY unless a test sets its own.
    SHIPPING_FEES: 'TRY:0',
    ...options.env,
  });
  const server = await buildServer({ config, db: database.db, handler, logger: options.logger ?? false, ...(options.now ? { now: options.now } : {}) });
  const projectors = [new Projector(store, database.db, catalogueProjection), new Projector(store, database.db, salesProjection)];
  const inject = (opts: InjectOptions) => server.inject(opts);
  return {
    database,
    store,
    handler,
    config,
    server,
    projectors,
    async catchUp() {
      for (const p of projectors) await p.catchUp();
    },
    async eventCount() {
      const { rows } = await database.pool.query<{ n: string }>('select count(*) as n from events');
      return Number(rows[0]?.n ?? 0);
    },
    token: (tenantId, subject, roles) => mintToken(config, { tenantId, subject, roles, expiresInSeconds: 600 }),
    command: (token, path, body, headers = {}) =>
      inject({
        method: 'POST',
        url: `/commands/${path}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    query: (token, path) => inject({ method: 'GET', url: `/queries/${path}`, headers: { authorization: `Bearer ${token}` } }),
    async close() {
      try {
        await server.close();
        await Promise.all(projectors.map((p) => p.stop()));
        await store.close();
      } finally {
        await database.drop();
      }
    },
  };
}

/** The parsed JSON body of a response. */
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/** Prefix of every problem `type`. */
export const PROBLEM = 'https://commerce-core.dev/problems/';

/** Sends a command and asserts it answered 200. @returns its parsed body */
export async function commandOk(h: Harness, token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await h.command(token, path, body);
  assert.equal(response.statusCode, 200, `${path}: ${response.body}`);
  return json(response);
}

/** Sends a command and asserts it answered `status` with the problem `code` as application/problem+json. @returns the problem */
export async function commandProblem(h: Harness, token: string, path: string, body: unknown, status: number, code: string): Promise<Record<string, unknown>> {
  const response = await h.command(token, path, body);
  assert.equal(response.statusCode, status, `${path}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(json(response).type, `${PROBLEM}${code}`, response.body);
  return json(response);
}

/** Admin commands that set up one sellable product with stock. */
export async function seedProduct(
  h: Harness,
  adminToken: string,
  product: { sku: string; name?: string; category?: string; minor: number; currency?: string; stock?: number; warehouseId?: string },
): Promise<void> {
  const currency = product.currency ?? 'TRY';
  const registered = await h.command(adminToken, 'products/register', {
    sku: product.sku,
    name: product.name ?? `Product ${product.sku}`,
    category: product.category ?? 'books',
    price: { minor: product.minor, currency },
  });
  if (registered.statusCode !== 200) throw new Error(`register failed: ${registered.body}`);
  if (product.stock) {
    const received = await h.command(adminToken, 'stock/receive', {
      sku: product.sku,
      warehouseId: product.warehouseId ?? 'wh-1',
      quantity: product.stock,
      reference: 'po-1',
    });
    if (received.statusCode !== 200) throw new Error(`receive failed: ${received.body}`);
  }
}
