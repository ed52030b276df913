import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { EventStore, NewEvent } from '../../src/application/ports/event-store.js';
import { freeLocalPort } from '../../src/infrastructure/database/embedded-postgres.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { appendSyntheticHistory } from '../projections/synthetic.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

/** The CLI run against `url`; rejects (with `code`, `stdout`, `stderr`) on a non-zero exit. */
const cliAt = async (url: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', ...args], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, maxBuffer: 16 * 1024 * 1024 });

type Failure = { code: number; stdout: string; stderr: string };
const failsWith = (message: RegExp) => (e: Failure) => e.code === 1 && message.test(e.stderr);

function events(n: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: randomUUID(),
    type: 'AuditProbe',
    data: { n: i },
    metadata: { tenantId: 'acme', actor: 'system:test', correlationId: 'c', causationId: 'c', occurredAt: '2024-01-01T00:00:00+03:00' },
  }));
}

describe('operator CLI: read-only commands', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let store: EventStore;
  let readOnlyUrl: string;
  const role = `ro_${randomBytes(5).toString('hex')}`;
  const cli = (...args: string[]) => cliAt(database.url, ...args);
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const migrations = async () => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db)).rows.map((r) => r.name);

  before(async () => {
    database = await createTestDatabase(3);
    store = new PostgresEventStore(database.pool);
    await appendSyntheticHistory(store, { orders: 20, tenants: ['acme'] });
    await store.appendToStream('audit-acme:capped', events(5), { expectedRevision: 'no-stream' });
    await store.setStreamMetadata('audit-acme:capped', { maxCount: 2 });
    await store.appendToStream('audit-acme:capped2', events(1), { expectedRevision: 'no-stream' }); // shares the prefix
    await store.appendToStream('audit-acme:deleted', events(3), { expectedRevision: 'no-stream' });
    await store.deleteStream('audit-acme:deleted');
    // A role that may only read this database: every schema (event store and read models).
    const name = new URL(database.url).pathname.slice(1);
    // A password as well: the embedded server asks for one (127.0.0.1:5432 trusts and ignores it).
    await admin(`create role ${role} login password '${role}'`);
    await admin(`grant connect on database ${name} to ${role}`);
    const schemas = (await sql<{ nspname: string }>`select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'`.execute(database.db)).rows;
    for (const { nspname } of schemas) {
      await sql.raw(`grant usage on schema "${nspname}" to ${role}; grant select on all tables in schema "${nspname}" to ${role}`).execute(database.db);
    }
    const url = new URL(database.url);
    url.username = role;
    url.password = role;
    readOnlyUrl = url.toString();
  });
  after(async () => {
    await store.close();
    await database.drop();
    await admin(`drop role if exists ${role}`);
  });

  it('report, stream show and projections list work with a role that may only read, and migrate nothing', async () => {
    const caughtUp = JSON.parse((await cli('report', '--catch-up', '--tenant', 'acme', '--json')).stdout) as { orders: number };
    assert.ok(caughtUp.orders > 0);
    const before = await migrations();

    const readOnly = await cliAt(readOnlyUrl, 'report', '--tenant', 'acme', '--json');
    assert.deepEqual(JSON.parse(readOnly.stdout), caughtUp);
    assert.equal(readOnly.stderr, '', 'no lag note: the read models are caught up');
    const shown = await cliAt(readOnlyUrl, 'stream', 'show', 'audit-acme:capped', '--all-recorded');
    assert.deepEqual(shown.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { revision: string }).revision), ['0', '1', '2', '3', '4']);
    const listed = JSON.parse((await cliAt(readOnlyUrl, 'projections', 'list', '--json')).stdout) as { live: { lagEvents: number } }[];
    assert.ok(listed.every((s) => s.live.lagEvents === 0));
    // The role really cannot write: a writing command fails on a permission.
    await assert.rejects(cliAt(readOnlyUrl, 'idempotency', 'prune'), failsWith(/permission denied/));
    assert.deepEqual(await migrations(), before);

    // Events appended since: the read-only report leaves them out and says so.
    await store.appendToStream('audit-acme:later', events(1), { expectedRevision: 'no-stream' });
    const lagging = await cliAt(readOnlyUrl, 'report', '--tenant', 'acme', '--json');
    assert.deepEqual(JSON.parse(lagging.stdout), caughtUp);
    assert.match(lagging.stderr, /^note: read models behind the log: catalogue 1 events, .*run with --catch-up\)$/m);
  });

  it('refuses a schema with a pending migration instead of migrating it, even with a role that could', async () => {
    const all = await migrations();
    const [previous, latest] = all.slice(-2);
    const { rows } = await sql<{ timestamp: string }>`delete from kysely_migration where name = ${latest!} returning timestamp`.execute(database.db);
    const pending = new RegExp(`^the database is at migration ${previous}; run \`npm start\` or \`npm run cli -- migrate\` first \\(latest: ${latest}\\)$`, 'm');
    try {
      for (const args of [['report'], ['stream', 'show', 'audit-acme:capped'], ['projections', 'list'], ['segments', 'show', '--tenant', 'acme']]) {
        await assert.rejects(cli(...args), failsWith(pending), args.join(' '));
      }
      assert.deepEqual(await migrations(), all.slice(0, -1), 'nothing migrated');
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${latest!}, ${rows[0]!.timestamp})`.execute(database.db);
    }
  });

  it('`migrate` brings an empty database to the latest migration, after which the read-only commands run', async () => {
    const empty = new URL(database.url);
    empty.pathname = `/e_${randomBytes(5).toString('hex')}`;
    await admin(`create database ${empty.pathname.slice(1)}`);
    try {
      await assert.rejects(cliAt(empty.toString(), 'report'), failsWith(/^the database is at migration none; run `npm start` or `npm run cli -- migrate` first \(latest: \S+\)$/m));
      assert.equal((await cliAt(empty.toString(), 'migrate')).stdout, `the database is at migration ${(await migrations()).at(-1)} (the latest)\n`);
      assert.match((await cliAt(empty.toString(), 'report', '--json')).stdout, /"orders": 0/);
    } finally {
      await admin(`drop database if exists ${empty.pathname.slice(1)} with (force)`);
    }
  });

  it('says when PostgreSQL cannot be reached or the database does not exist, for every command', async () => {
    const port = await freeLocalPort();
    for (const args of [['report'], ['stream', 'show', 'x'], ['idempotency', 'prune'], ['migrate']]) {
      await assert.rejects(cliAt(`postgres://postgres@127.0.0.1:${port}/x`, ...args), failsWith(new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: ECONNREFUSED$`, 'm')), args.join(' '));
      const missing = new URL(database.url);
      missing.pathname = '/no_such_database_x';
      await assert.rejects(cliAt(missing.toString(), ...args), failsWith(/^database "no_such_database_x" does not exist on PostgreSQL at [\w.]+:\d+$/m), args.join(' '));
    }
  });
});

describe('operator CLI: stream show shows what the log holds', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let store: EventStore;
  const cli = (...args: string[]) => cliAt(database.url, 'stream', 'show', ...args);
  const revisions = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { revision: string }).revision);

  before(async () => {
    database = await createTestDatabase(3);
    store = new PostgresEventStore(database.pool);
    await store.appendToStream('audit-acme:capped', events(5), { expectedRevision: 'no-stream' });
    await store.setStreamMetadata('audit-acme:capped', { maxCount: 2 });
    await store.appendToStream('audit-acme:capped2', events(1), { expectedRevision: 'no-stream' }); // shares the prefix
    await store.appendToStream('audit-acme:deleted', events(3), { expectedRevision: 'no-stream' });
    await store.deleteStream('audit-acme:deleted');
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('a soft-deleted stream: says so and how many events $all still holds; --all-recorded prints them', async () => {
    const plain = await cli('audit-acme:deleted');
    assert.equal(plain.stdout, '');
    assert.match(plain.stderr, /^note: stream audit-acme:deleted is soft-deleted: a normal read shows 0 of the 3 events \$all holds of it \(3 hidden\); --all-recorded prints them$/m);
    assert.deepEqual(revisions((await cli('audit-acme:deleted', '--all-recorded')).stdout), ['0', '1', '2']);
  });

  it('a stream truncated by its metadata: prints the visible tail with a note; --all-recorded prints every event', async () => {
    const plain = await cli('audit-acme:capped');
    assert.deepEqual(revisions(plain.stdout), ['3', '4']);
    assert.match(plain.stderr, /^note: stream audit-acme:capped is truncated by its metadata \{"maxCount":2\}: a normal read shows 2 of the 5 events \$all holds of it \(3 hidden\)/m);
    assert.deepEqual(revisions((await cli('audit-acme:capped', '--all-recorded')).stdout), ['0', '1', '2', '3', '4']);
    const json = JSON.parse((await cli('audit-acme:capped', '--json')).stdout) as { events: { revision: string }[]; hidden: unknown };
    assert.deepEqual(json.events.map((e) => e.revision), ['3', '4']);
    assert.deepEqual(json.hidden, { reason: 'metadata', recorded: 5, readable: 2, hidden: 3, metadata: { maxCount: 2 } });
    const whole = await cli('audit-acme:capped2', '--json');
    assert.deepEqual(JSON.parse(whole.stdout), { streamId: 'audit-acme:capped2', events: [JSON.parse((await cli('audit-acme:capped2')).stdout) as unknown], hidden: null });
    assert.equal(whole.stderr, '');
  });

  it('pages with --from, --limit and --backwards', async () => {
    assert.deepEqual(revisions((await cli('audit-acme:capped', '--all-recorded', '--from', '1', '--limit', '2')).stdout), ['1', '2']);
    assert.deepEqual(revisions((await cli('audit-acme:capped', '--all-recorded', '--backwards', '--limit', '2')).stdout), ['4', '3']);
    assert.deepEqual(revisions((await cli('audit-acme:capped', '--all-recorded', '--backwards', '--from', '1')).stdout), ['1', '0']);
    assert.deepEqual(revisions((await cli('audit-acme:capped', '--backwards', '--limit', '1')).stdout), ['4']);
    for (const [option, value] of [['--from', '-1'], ['--from', 'x'], ['--limit', '0']] as const) {
      await assert.rejects(cli('audit-acme:capped', option, value), failsWith(/argument .* is invalid/), `${option} ${value}`);
    }
    await assert.rejects(cli('audit-acme:nothing'), failsWith(/^stream audit-acme:nothing has no events$/m));
  });
});
