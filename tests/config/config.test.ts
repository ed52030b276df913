import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';

const run = promisify(execFile);

describe('configuration', () => {
  it('defaults to an embedded database in ./.data when DATABASE_URL is unset', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, undefined);
    assert.match(config.dataDir, /\/\.data$/);
    assert.equal(config.port, 3000);
    assert.equal(config.businessTimeZone, 'Europe/Istanbul');
  });

  it('names every bad variable with its value', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', BUSINESS_TIME_ZONE: 'Mars/Olympus' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.match(error.message, /PORT: .*port.*\(got "abc"\)/);
        assert.match(error.message, /DATABASE_URL: .*postgres/);
        assert.match(error.message, /BUSINESS_TIME_ZONE: .*IANA/);
        return true;
      },
    );
  });

  it('keeps idempotency keys 24 hours unless IDEMPOTENCY_KEY_TTL_HOURS says otherwise (whole hours, 1 to 10 years)', () => {
    assert.equal(loadConfig({}).idempotencyKeyTtlHours, 24);
    assert.equal(loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '72' }).idempotencyKeyTtlHours, 72);
    assert.throws(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '1.5' }), /IDEMPOTENCY_KEY_TTL_HOURS: expected a whole number of hours \(got "1\.5"\)/);
    assert.throws(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '0' }), /IDEMPOTENCY_KEY_TTL_HOURS: expected at least 1 hour/);
    assert.throws(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: 'a day' }), /IDEMPOTENCY_KEY_TTL_HOURS: expected a whole number of hours/);
    assert.throws(() => loadConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '87601' }), /IDEMPOTENCY_KEY_TTL_HOURS: expected at most 87600 hours/);
  });

  it('requires a real JWT secret in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET: required when NODE_ENV=production/);
    assert.throws(() => loadConfig({ JWT_SECRET: 'short' }), /JWT_SECRET: expected at least 32 characters/);
  });

  it('stops the service at start with a message naming the variable (PORT=abc)', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'src/infrastructure/main.ts'], {
      env: { ...process.env, PORT: 'abc' },
    }).then(
      () => assert.fail('the service started with PORT=abc'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /invalid configuration:\n\s+PORT: .*\(got "abc"\)/);
  });

  it('parses the shipping policy (SHIPPING_FEES, FREE_SHIPPING_FROM) and rejects bad entries', () => {
    assert.deepEqual(loadConfig({}).shipping, { fees: {}, freeFrom: {} });
    assert.deepEqual(loadConfig({ SHIPPING_FEES: 'TRY:4990, EUR:499', FREE_SHIPPING_FROM: 'TRY:50000' }).shipping, { fees: { TRY: 4990, EUR: 499 }, freeFrom: { TRY: 50000 } });
    for (const bad of ['TRY', 'TRY:-1', 'TRY:49.90', 'try:4990', 'TRY:4990,', 'TRY 4990']) {
      assert.throws(() => loadConfig({ SHIPPING_FEES: bad }), /SHIPPING_FEES: expected CUR:minor entries such as TRY:4990/, bad);
    }
    assert.throws(() => loadConfig({ SHIPPING_FEES: 'TRY:1,TRY:2' }), /SHIPPING_FEES: TRY is listed twice/);
    assert.throws(() => loadConfig({ FREE_SHIPPING_FROM: 'TRY:abc' }), /FREE_SHIPPING_FROM: expected CUR:minor entries/);
  });

  it('defaults rate limits to 600 and 10 requests a minute and the JWT audience to commerce-core, and rejects bad limits', () => {
    const config = loadConfig({});
    assert.equal(config.jwtAudience, 'commerce-core');
    assert.deepEqual([config.rateLimitWindowMs, config.rateLimitMax, config.rateLimitStrictMax, config.rateLimitKeyPrefix], [60_000, 600, 10, 'commerce-core:rate-limit:']);
    assert.equal(loadConfig({ RATE_LIMIT_STRICT_MAX: '5', JWT_AUDIENCE: 'shop' }).rateLimitStrictMax, 5);
    assert.throws(() => loadConfig({ RATE_LIMIT_MAX: '0' }), /RATE_LIMIT_MAX: expected at least 1 request \(got "0"\)/);
    assert.throws(() => loadConfig({ RATE_LIMIT_STRICT_MAX: 'ten' }), /RATE_LIMIT_STRICT_MAX: expected a whole number of requests/);
    assert.throws(() => loadConfig({ RATE_LIMIT_WINDOW_MS: '-1' }), /RATE_LIMIT_WINDOW_MS: expected a positive number of milliseconds/);
  });

  it('trusts no proxy by default; TRUST_PROXY takes a hop count or addresses and CIDR ranges, never true', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }).trustProxy, ['10.0.0.0/8', '192.168.1.5', '::1']);
    for (const bad of ['true', '0', '11', '10.0.0.0/33', 'proxy.local', '10.0.0.1,']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY: expected false, a number of proxy hops/, bad);
    }
  });
});
