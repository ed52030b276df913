import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { verifyToken } from '../../src/infrastructure/http/auth.js';
import { createHarness, json, PROBLEM, signToken, type Harness } from './harness.js';

const run = promisify(execFile);
const YEAR_S = 365 * 24 * 3600;

describe('HTTP auth: audience, lifetime and issue time of tokens', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ env: { JWT_AUDIENCE: 'commerce-core-test' } });
  });
  after(() => h.close());

  const claims = { sub: 'admin-1', tenant: 'acme', roles: ['admin'] };
  const nowS = () => Math.floor(Date.now() / 1000);

  async function status(token: string): Promise<number> {
    const response = await h.query(token, 'catalogue');
    if (response.statusCode === 401) {
      assert.equal(json(response).type, `${PROBLEM}unauthenticated`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.match(String(response.headers['www-authenticate']), /invalid_token/);
    }
    return response.statusCode;
  }

  it('accepts a token with the configured audience, issued now, living an hour', async () => {
    assert.equal(await status(signToken(h.config, claims, { expiresInMs: 3_600_000 })), 200);
    assert.equal(await status(h.token('acme', 'admin-1', ['admin'])), 200, 'mintToken carries the audience');
  });

  it('answers 401 to a token minted for another service with the same key and issuer, or without audience', async () => {
    assert.equal(await status(signToken(h.config, claims, { aud: 'billing-service', expiresInMs: 60_000 })), 401);
    assert.equal(await status(signToken(h.config, claims, { aud: '', expiresInMs: 60_000 })), 401);
  });

  it('answers 401 to a token living longer than a year (exp: 1e300, or iat + 2 years)', async () => {
    assert.equal(await status(signToken(h.config, { ...claims, iat: nowS(), exp: 1e300 })), 401);
    assert.equal(await status(signToken(h.config, { ...claims, iat: nowS(), exp: nowS() + 2 * YEAR_S })), 401);
    assert.equal(await status(signToken(h.config, { ...claims, iat: nowS(), exp: nowS() + YEAR_S })), 200, 'a year is allowed (the CLI mints that)');
  });

  it('answers 401 to a token issued in the future or without iat, and tolerates 30 s of clock skew', async () => {
    assert.equal(await status(signToken(h.config, { ...claims, iat: nowS() + 3600, exp: nowS() + 7200 })), 401);
    assert.equal(await status(signToken(h.config, { ...claims, exp: nowS() + 600 }, { noIat: true })), 401, 'no iat');
    assert.equal(await status(signToken(h.config, { ...claims, iat: nowS() + 10, exp: nowS() + 600 })), 200, '10 s ahead: skew');
  });

  it('the CLI token command mints the configured audience', async () => {
    const env = { ...process.env, JWT_SECRET: h.config.jwtSecret, JWT_ISSUER: h.config.jwtIssuer, JWT_AUDIENCE: 'commerce-core-test' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', 'token', '--tenant', 'acme', '--roles', 'admin', '--subject', 'admin-1'], { env });
    const token = stdout.trim();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { aud: unknown };
    assert.equal(payload.aud, 'commerce-core-test');
    assert.equal(verifyToken(h.config, token).subject, 'admin-1');
    assert.throws(() => verifyToken(loadConfig({ JWT_SECRET: h.config.jwtSecret, JWT_ISSUER: h.config.jwtIssuer }), token), /not valid/, 'refused where the audience is commerce-core');
    assert.equal(await status(token), 200);
  });
});
