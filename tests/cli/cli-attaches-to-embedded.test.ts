import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../src/infrastructure/database/database.js';
import { freeLocalPort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/infrastructure/database/embedded-postgres.js';
import { migrateToLatest } from '../../src/infrastructure/database/migrate.js';
import { findRunningEmbeddedPostgres } from '../../src/infrastructure/database/running-embedded.js';
import { projections } from '../../src/projections/index.js';

const run = promisify(execFile);


async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('select 1 as one');
    return rows[0]?.one === 1;
  } finally {
    await client.end();
  }
}

describe('CLI beside a running service (no DATABASE_URL)', { timeout: 120_000 }, () => {
  let root: string; // DATA_DIR
  let dataDir: string; // DATA_DIR/postgres, the cluster
  let port: number;
  let server: EmbeddedDatabase | undefined;
  let lockLines: string[]; // the running server's postmaster.pid

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'commerce-core-attach-'));
    await chmod(root, 0o755); // as the runtime does: under root the server runs as `postgres`
    dataDir = path.join(root, 'postgres');
    port = await freeLocalPort();
    server = await startEmbeddedPostgres({ dataDir, port }); // as the service's runtime starts it
    const database = openDatabase(server.url, 1); // and migrates it (a read-only CLI command only checks)
    await migrateToLatest(database.db);
    await database.close();
    lockLines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  });
  after(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** A folder holding a copy of the running server's lock file with some lines replaced (0-based). */
  async function fakeCluster(name: string, replace: Record<number, string>): Promise<string> {
    const dir = path.join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'postmaster.pid'), lockLines.map((line, i) => replace[i] ?? line).join('\n'));
    return dir;
  }

  it("a CLI command uses the service's embedded PostgreSQL of DATA_DIR and leaves it running", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: root, EMBEDDED_PG_PORT: String(port), LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/infrastructure/cli/main.ts', 'projections', 'list', '--json'], { env });
    const listed = JSON.parse(stdout) as { name: string }[];
    assert.deepEqual(listed.map((p) => p.name), projections.map((p) => p.name));
    assert.match(stderr, /attached to the running embedded PostgreSQL/);
    assert.equal(await answers(server!.url), true, 'the server the CLI attached to still answers');
  });

  it('findRunningEmbeddedPostgres finds the server running the folder on the port', async () => {
    const found = await findRunningEmbeddedPostgres({ dataDir, port });
    assert.deepEqual(found, { url: server!.url, pid: Number(lockLines[0]) });
  });

  it('no lock file, or the server on another port: undefined', async () => {
    assert.equal(await findRunningEmbeddedPostgres({ dataDir: path.join(root, 'nothing-here'), port }), undefined);
    assert.equal(await findRunningEmbeddedPostgres({ dataDir, port: port === 65535 ? port - 1 : port + 1 }), undefined);
  });

  it('a stale lock file naming a dead PID: undefined', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']);
    assert.ok(exited.pid);
    const dir = await fakeCluster('stale', { 0: String(exited.pid), 1: path.join(root, 'stale') });
    assert.equal(await findRunningEmbeddedPostgres({ dataDir: dir, port }), undefined);
  });

  it('a live PID and the port, but the server there serves another data directory (e.g. a copied folder): undefined', async () => {
    const dir = await fakeCluster('copied', { 1: path.join(root, 'copied') });
    assert.equal(await findRunningEmbeddedPostgres({ dataDir: dir, port }), undefined);
  });

  it('a live PID, but no server answers on the port: undefined', async () => {
    const unused = await freeLocalPort();
    const dir = await fakeCluster('nobody', { 1: path.join(root, 'nobody'), 3: String(unused) });
    assert.equal(await findRunningEmbeddedPostgres({ dataDir: dir, port: unused }), undefined);
  });
});
