import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

describe('operator CLI: idempotency prune', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  const cli = async (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', 'idempotency', 'prune', ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn', ...env } });
  const left = async () => (await sql<{ key: string }>`select idempotency_key as key from idempotency_keys order by 1`.execute(database.db)).rows.map((r) => r.key);

  before(async () => {
    database = await createTestDatabase(2);
    // Keys first used 50, 30 and 2 hours ago, and now.
    await sql`
      insert into idempotency_keys (tenant_id, idempotency_key, request_fingerprint, first_seen_at)
      values ('acme', 'a-50h', 'f', now() - interval '50 hours'), ('globex', 'b-30h', 'f', now() - interval '30 hours'),
             ('acme', 'c-2h', 'f', now() - interval '2 hours'), ('acme', 'd-now', 'f', now())`.execute(database.db);
  });
  after(() => database.drop());

  it('deletes the keys older than IDEMPOTENCY_KEY_TTL_HOURS by default, or --older-than-hours, and says how many', async () => {
    const byConfig = JSON.parse((await cli({ IDEMPOTENCY_KEY_TTL_HOURS: '48' }, '--json')).stdout) as { pruned: number; olderThanHours: number; before: string };
    assert.equal(byConfig.pruned, 1);
    assert.equal(byConfig.olderThanHours, 48);
    assert.ok(Math.abs(Date.parse(byConfig.before) - (Date.now() - 48 * 3_600_000)) < 60_000, byConfig.before);
    assert.deepEqual(await left(), ['b-30h', 'c-2h', 'd-now']);

    const byDefault = await cli({});
    assert.match(byDefault.stdout, /^pruned 1 idempotency key first used before \d{4}-\d\d-\d\dT[\d:.]+Z \(older than 24 h\)\n$/);
    assert.deepEqual(await left(), ['c-2h', 'd-now']);

    const byOption = JSON.parse((await cli({}, '--older-than-hours', '1', '--json')).stdout) as { pruned: number; olderThanHours: number };
    assert.deepEqual([byOption.pruned, byOption.olderThanHours], [1, 1]);
    assert.deepEqual(await left(), ['d-now']);
    assert.match((await cli({}, '--older-than-hours', '1')).stdout, /^pruned 0 idempotency keys /);
  });

  it('refuses an age that is not a positive whole number of hours, with exit code 1', async () => {
    for (const bad of ['0', '1.5', 'soon', '87601']) {
      await assert.rejects(cli({}, '--older-than-hours', bad), (e: { code: number; stderr: string }) => e.code === 1 && /option '--older-than-hours <n>' argument .* is invalid/.test(e.stderr), bad);
    }
    assert.deepEqual(await left(), ['d-now']);
  });
});
