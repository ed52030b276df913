import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.js';
import { Projector, projections, readAllRegistry } from '../../src/projections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { checksum } from './support.js';
import { appendSyntheticHistory } from './synthetic.js';

const TABLES = projections.flatMap((p) => p.tables);

/** Runs `projections rebuild --all` in a child process; resolves with how it ended. */
function rebuildProcess(database: TestDatabase, batchSize: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', 'projections', 'rebuild', '--all', '--batch-size', String(batchSize)], {
    env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Events applied so far to the builds in progress (sum of their checkpoints' prepare parts moving is enough: any progress). */
async function buildProgress(database: TestDatabase): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select coalesce(sum(c.prepare), 0)::text as n from projection_registry r join projection_checkpoints c on c.name = r.building_schema`.execute(database.db);
  return Number(rows[0]!.n);
}

describe('rebuild killed with SIGKILL at random points', { timeout: 600_000 }, () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase(10);
    const store = new PostgresEventStore(database.pool);
    await appendSyntheticHistory(store, { orders: 700 });
    for (const p of projections) await new Projector(store, database.db, p).catchUp();
  });
  after(() => database.drop());

  it('ten kills, then a run that resumes: rows identical (checksum) to a clean rebuild', async () => {
    const live = await checksum(database.db, TABLES);
    const kills: { progress: number; delayMs: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const { child, done } = rebuildProcess(database, 20);
      const before = await buildProgress(database);
      // Wait until this run has applied at least one batch, then a random extra delay.
      const deadline = Date.now() + 60_000;
      let exited = false;
      void done.then(() => (exited = true));
      while (!exited && (await buildProgress(database)) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const delayMs = Math.floor(Math.random() * 400);
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      const end = await done;
      kills.push({ progress: await buildProgress(database), delayMs });
      assert.equal(end.signal, 'SIGKILL', `run ${i} ended by itself (code ${end.code}): ${end.stderr}`);
    }
    // The kills left a build in progress that later runs resumed (its checkpoint only moved forward).
    const progress = kills.map((k) => k.progress);
    assert.ok(progress.some((p) => p > 0), `no kill landed during a build: ${JSON.stringify(kills)}`);

    const resumed = await rebuildProcess(database, 500).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout) as { resumed: string[]; live: Record<string, string> };
    assert.ok(summary.resumed.length > 0, 'the final run resumed the interrupted builds');
    const afterKills = await checksum(database.db, TABLES);

    const clean = await rebuildProcess(database, 500).done;
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual((JSON.parse(clean.stdout) as { resumed: string[] }).resumed, [], 'a clean rebuild starts from scratch');
    const cleanSum = await checksum(database.db, TABLES);

    assert.deepEqual(afterKills, cleanSum);
    assert.deepEqual(cleanSum, live, 'and identical to the read model the live projectors built');
    // No build left behind: one schema per projection, all live, none building.
    const registry = await readAllRegistry(database.db);
    assert.ok(registry.every((r) => r.liveSchema && !r.buildingSchema));
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from pg_namespace where nspname ~ '^rm_'`.execute(database.db);
    assert.equal(Number(rows[0]!.n), projections.length);
  });
});
