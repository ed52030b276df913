/**
 * The test command's runner (`npm test` calls it after typecheck and lint).
 *
 * - With `TEST_DATABASE_URL` set (a PostgreSQL URL whose user may CREATE DATABASE), tests
 *   use that server. Otherwise an embedded PostgreSQL is started in a temporary folder
 *   on a free port and removed afterwards.
 * - Each test file makes its own database on that server (tests/support/database.ts).
 * - Runs node's test runner over every `tests/**\/*.test.ts` (or the files given as
 *   arguments) and exits with its code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeLocalPort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/infrastructure/database/embedded-postgres.js';


async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function main(): Promise<number> {
  let embedded: EmbeddedDatabase | undefined;
  const env = { ...process.env };
  if (env.TEST_DATABASE_URL) {
    console.log(`tests: PostgreSQL at ${env.TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}`);
  } else {
    const root = await mkdtemp(path.join(tmpdir(), 'commerce-core-test-'));
    await chmod(root, 0o755); // the embedded server runs as `postgres` when we are root
    const port = await freeLocalPort();
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port, ephemeral: true });
    env.TEST_DATABASE_URL = embedded.url;
    console.log(`tests: embedded PostgreSQL on 127.0.0.1:${port}`);
  }
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args : await testFiles('tests');
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...files], { stdio: 'inherit', env });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
